/** Optional cuBLAS (JCublas2) for large F16/BF16 products when libcublas.so.12 is installed. */
package hy.cuda.blas;
