package hy.offload;
