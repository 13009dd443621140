package hy.cuda;

import jcuda.driver.CUdeviceptr;

/** A CUdeviceptr that tells its numeric address, which kernel arguments and offset arithmetic use. */
final class DevicePointer extends CUdeviceptr {
    long address() {
        return getNativePointer() + getByteOffset();
    }
}
