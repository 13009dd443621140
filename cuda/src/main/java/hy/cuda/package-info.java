package hy.cuda;
