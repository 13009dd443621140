package hy.cuda.backend;

/** Told after each weight tensor reaches the GPU (for a progress bar over the load). */
@FunctionalInterface
public interface UploadProgress {
    UploadProgress NONE = (name, bytes, total) -> {};

    /**
     * @param tensorBytes bytes of this tensor on the device
     * @param totalBytes bytes of weights uploaded so far, this one included
     */
    void uploaded(String tensor, long tensorBytes, long totalBytes);
}
