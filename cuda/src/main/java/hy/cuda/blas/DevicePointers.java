package hy.cuda.blas;

import jcuda.driver.CUdeviceptr;

/** A JCuda pointer for a numeric device address (cuBLAS takes pointers, the launchers work with addresses). */
final class DevicePointers {
    private DevicePointers() {}

    /** JCuda passes a pointer's native value plus its byte offset, so a null pointer offset by the address is it. */
    static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }
}
