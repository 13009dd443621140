/**
 * Kernel launchers, one per family of kernels-ptx/src: each chooses the kernel (by weight or cache format and batch
 * size), the launch geometry ({@link hy.cuda.kernels.KernelGeometry}, mirroring the kernels' constants) and packs the
 * arguments, then hands the launch to a {@link hy.cuda.KernelRunner}. Device memory is passed as numeric addresses,
 * so launchers run unchanged against a recording runner in tests without a GPU.
 */
package hy.cuda.kernels;
