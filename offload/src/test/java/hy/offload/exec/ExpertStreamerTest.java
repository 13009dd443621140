package hy.offload.exec;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.backend.MoeWeights;
import hy.runtime.backend.Weight;
import hy.runtime.backend.WeightStaging;
import hy.runtime.tensor.GgmlType;
import hy.runtime.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of copies into the two staging slots across layers and batches, against a recording fake device. */
class ExpertStreamerTest {

    /**
     * Records "slot:layer" per copy and enforces the slot contract: no copy into a slot between the device starting to
     * use it (awaitOnDevice) and its release.
     */
    static final class Recorder implements WeightStaging {
        final List<String> copies = new ArrayList<>();
        final boolean[] inUse = new boolean[2];
        final String[] holds = new String[2];

        @Override
        public boolean canStage(Tensor t) {
            return t.type() != GgmlType.Q3_K;
        }

        @Override
        public Staged stage(int slot, List<Tensor> tensors) {
            assertFalse(inUse[slot], "slot " + slot + " overwritten before its last use was released");
            String layer = tensors.get(0).name().split("\\.")[1];
            copies.add(slot + ":" + layer);
            holds[slot] = layer;
            List<Weight> ws = tensors.stream().map(t -> (Weight) () -> t).toList();
            return new Staged() {
                @Override
                public List<Weight> weights() {
                    return ws;
                }

                @Override
                public void awaitOnDevice() {
                    inUse[slot] = true; // device work may read the slot from now until release()
                }

                @Override
                public void release() {
                    inUse[slot] = false;
                }
            };
        }
    }

    static MoeWeights layer(int l) {
        Weight g = tensor("blk." + l + ".ffn_gate_exps"), u = tensor("blk." + l + ".ffn_up_exps"), d = tensor("blk." + l + ".ffn_down_exps");
        return new MoeWeights(null, g, u, d, null, null, null);
    }

    static Weight tensor(String name) {
        Tensor t = new Tensor(name, GgmlType.F32, new long[] {32, 1, 1}, MemorySegment.ofArray(new float[32]));
        return () -> t;
    }

    @Test
    void eachLayerIsCopiedWhileThePreviousOneComputes() {
        Recorder device = new Recorder();
        ExpertStreamer s = new ExpertStreamer(device, 16);
        List<MoeWeights> layers = List.of(layer(0), layer(1), layer(2), layer(3), layer(4));
        s.setLayers(layers);
        assertFalse(s.streams(15, layers.get(0)), "below the threshold");
        assertFalse(s.streams(64, layer(9)), "a layer whose experts are not streamed");
        for (int batch = 0; batch < 2; batch++) {
            for (int l = 0; l < layers.size(); l++) {
                assertTrue(s.streams(16, layers.get(l)));
                List<Weight> w = s.acquire(layers.get(l));
                assertEquals("blk." + l + ".ffn_down_exps", w.get(2).tensor().name(), "acquire returns the layer's own experts");
                s.release(layers.get(l));
                s.prefetchAfter(layers.get(l));
            }
        }
        // Each batch copies its first layer on demand (into the slot not holding the last layer), then each layer
        // prefetches the next into the other slot; the last layer prefetches nothing.
        assertEquals(List.of("0:0", "1:1", "0:2", "1:3", "0:4", "1:0", "0:1", "1:2", "0:3", "1:4"), device.copies);
        assertEquals(10, s.layersStaged());
    }

    @Test
    void aLayerVisitedOutOfOrderIsCopiedIntoTheSlotNotHoldingItsPredecessor() {
        Recorder device = new Recorder();
        ExpertStreamer s = new ExpertStreamer(device, 1);
        List<MoeWeights> layers = List.of(layer(0), layer(1), layer(2));
        s.setLayers(layers);
        s.acquire(layers.get(2)); // e.g. a batch that starts mid-model in a test; layer 1 is not held, either slot serves
        s.release(layers.get(2));
        s.prefetchAfter(layers.get(2)); // the last layer: nothing
        s.acquire(layers.get(1));
        assertEquals("1", device.holds[device.copies.get(device.copies.size() - 1).charAt(0) - '0']);
        s.release(layers.get(1));
        s.prefetchAfter(layers.get(1));
        assertEquals(List.of("0:2", "0:1", "1:2"), device.copies);
    }

    @Test
    void twoLayersStayInTheirSlotsAcrossBatches() {
        Recorder device = new Recorder();
        ExpertStreamer s = new ExpertStreamer(device, 1);
        List<MoeWeights> layers = List.of(layer(0), layer(1));
        s.setLayers(layers);
        for (int batch = 0; batch < 3; batch++) {
            for (MoeWeights l : layers) {
                s.acquire(l);
                s.release(l);
                s.prefetchAfter(l);
            }
        }
        assertEquals(List.of("0:0", "1:1"), device.copies);
    }

    @Test
    void typesTheDeviceCannotComputeAreNotStaged() {
        ExpertStreamer s = new ExpertStreamer(new Recorder(), 1);
        assertTrue(s.canStage(layer(0)));
        Weight q3 = () -> new Tensor("blk.1.ffn_up_exps", GgmlType.Q3_K, new long[] {256, 1, 1}, MemorySegment.ofArray(new byte[110]));
        MoeWeights l = layer(1);
        assertFalse(s.canStage(new MoeWeights(null, l.gateExps(), q3, l.downExps(), null, null, null)));
    }
}
