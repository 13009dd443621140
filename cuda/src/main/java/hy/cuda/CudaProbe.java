package hy.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Answers "is there a GPU hy can use?" without ever failing: a missing JCuda native library, a missing or too old
 * NVIDIA driver, no device, or a device older than compute capability 8.0 each give {@code available() == false} and a
 * one-line reason. The answer is computed once per JVM.
 *
 * <p>{@code -Dhy.cuda=off} makes every probe answer "disabled"; {@code -Dhy.cuda.device=N} picks the device ordinal.
 */
public final class CudaProbe {
    private CudaProbe() {}

    /** Oldest driver: its CUDA version must accept the PTX ISA 8.0 the kernels declare. */
    public static final int MIN_DRIVER_VERSION = 12000;
    /** mma.sync m16n8k16 with f16 inputs and the sm_80 PTX target need Ampere or newer. */
    public static final int MIN_COMPUTE_MAJOR = 8;

    /** @param device the chosen device when available, else null */
    public record Result(boolean available, String reason, DeviceInfo device) {
        static Result unavailable(String reason) {
            return new Result(false, reason, null);
        }
    }

    private static volatile Result cached;

    public static Result probe() {
        Result r = cached;
        if (r == null) {
            synchronized (CudaProbe.class) {
                if (cached == null) cached = run();
                r = cached;
            }
        }
        return r;
    }

    public static boolean available() {
        return probe().available();
    }

    /** Why no device is usable ("" when one is). */
    public static String reason() {
        return probe().reason();
    }

    static Result run() {
        if ("off".equalsIgnoreCase(System.getProperty("hy.cuda", ""))) {
            return Result.unavailable("CUDA is disabled (-Dhy.cuda=off)");
        }
        try {
            return query(Integer.getInteger("hy.cuda.device", 0));
        } catch (LinkageError e) {
            return Result.unavailable(nativeLibraryProblem(e));
        } catch (RuntimeException e) {
            return Result.unavailable("JCuda failed while probing for a GPU: " + firstLine(e.getMessage()));
        }
    }

    private static Result query(int ordinal) {
        JCudaDriver.setExceptionsEnabled(false);
        int r = JCudaDriver.cuInit(0);
        if (r != 0) return Result.unavailable("no usable NVIDIA driver: cuInit returned " + Cu.errorName(r));
        int[] v = new int[1];
        r = JCudaDriver.cuDriverGetVersion(v);
        if (r != 0) return Result.unavailable("cuDriverGetVersion returned " + Cu.errorName(r));
        int driver = v[0];
        if (driver < MIN_DRIVER_VERSION) {
            return Result.unavailable("the NVIDIA driver supports CUDA " + DeviceInfo.cudaVersion(driver)
                    + "; hy's kernels need a driver for CUDA " + DeviceInfo.cudaVersion(MIN_DRIVER_VERSION) + " or newer");
        }
        r = JCudaDriver.cuDeviceGetCount(v);
        if (r != 0) return Result.unavailable("cuDeviceGetCount returned " + Cu.errorName(r));
        if (v[0] == 0) return Result.unavailable("the NVIDIA driver reports no CUDA device");
        if (ordinal < 0 || ordinal >= v[0]) {
            return Result.unavailable("CUDA device " + ordinal + " does not exist (" + v[0] + " device(s): 0.." + (v[0] - 1) + ")");
        }
        CUdevice dev = new CUdevice();
        r = JCudaDriver.cuDeviceGet(dev, ordinal);
        if (r != 0) return Result.unavailable("cuDeviceGet(" + ordinal + ") returned " + Cu.errorName(r));
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, dev);
        int major = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] total = new long[1];
        JCudaDriver.cuDeviceTotalMem(total, dev);
        DeviceInfo info = new DeviceInfo(ordinal, cString(name), major, minor, sms, total[0], driver);
        if (major < MIN_COMPUTE_MAJOR) {
            return Result.unavailable(info.name() + " has compute capability " + info.computeCapability()
                    + "; hy's kernels need " + MIN_COMPUTE_MAJOR + ".0 (Ampere) or newer");
        }
        return new Result(true, "", info);
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        Cu.check(JCudaDriver.cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute");
        return v[0];
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }

    /** A short reason from JCuda's multi-line native-library error. */
    static String nativeLibraryProblem(Throwable e) {
        String all = String.valueOf(e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) all += "\n" + c.getMessage();
        if (all.contains("libcuda.so")) return "the NVIDIA driver library (libcuda.so.1) is not installed or not on the library path";
        return "the JCuda native library could not be loaded (" + e.getClass().getSimpleName() + ": " + firstLine(all) + ")";
    }

    static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
