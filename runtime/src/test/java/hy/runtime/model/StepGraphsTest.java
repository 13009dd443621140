package hy.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import hy.runtime.backend.Backend;
import hy.runtime.backend.ExpertSelection;
import hy.runtime.backend.StepRecording;
import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.engine.ModelSource;
import hy.runtime.engine.Session;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HunyuanModel's recorded decode steps, on a CPU backend that records and replays the way the CUDA backend does
 * (SlotRewritingBackend): replays compute what op-by-op steps compute, each KV cache has its own recording, and
 * recordings are made again when the expert selection changes or the backend says they went stale.
 */
class StepGraphsTest {
    private static final int[] PROMPT = {5, 17, 99, 3, 250}, OTHER_PROMPT = {42, 7};
    private static ModelSource source;

    @BeforeAll
    static void open() {
        source = ModelSource.synthetic(ModelSource.EMBEDDED.withContextLength(64), TypePlan.of(GgmlType.F32), 7, 1,
                ProgressListener.NONE);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    /** A model with step graphs on whatever HY_CUDA_GRAPHS says (they stay off when the backend cannot record). */
    private static HunyuanModel model(Backend b) {
        HunyuanModel m = new HunyuanModel(source.config(), b, ModelWeights.load(source.config(), source::tensor, n -> b), 8);
        m.setStepGraphs(true);
        return m;
    }

    private static Backend cpu() {
        return CpuBackend.floatReference(1);
    }

    private static Session session(HunyuanModel m, int[] prompt) {
        Session s = new Session(m, 64, GgmlType.F32, GgmlType.F32);
        s.prefill(prompt);
        return s;
    }

    /** Appends the greedy next token {@code steps} times; returns each step's logits. */
    private static List<float[]> decode(Session s, int steps) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) out.add(s.append(argmax(s.logits())).clone());
        return out;
    }

    private static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    private static void assertSameLogits(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), "logits of step " + i);
    }

    @Test
    void replayedStepsComputeWhatOpByOpStepsCompute() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec), plain = model(cpu());
        assertTrue(graphed.stepGraphs());
        assertFalse(plain.stepGraphs(), "a backend without StepRecording runs op by op");
        try (Session g = session(graphed, PROMPT); Session p = session(plain, PROMPT)) {
            assertArrayEquals(p.logits(), g.logits(), "the prompt runs op by op");
            assertSameLogits(decode(p, 12), decode(g, 12));
        }
        assertEquals(1, rec.recordings().size(), "the first step is recorded");
        assertEquals(11, rec.launches);
        assertEquals(11, graphed.replayedSteps());
        assertEquals(0, rec.openRecordings(), "closing the session closes its recording");
    }

    @Test
    void eachCacheHasItsOwnRecording() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec), plain = model(cpu());
        List<float[]> a = new ArrayList<>(), b = new ArrayList<>();
        try (Session ga = session(graphed, PROMPT); Session gb = session(graphed, OTHER_PROMPT)) {
            for (int i = 0; i < 6; i++) {
                a.addAll(decode(ga, 1));
                b.addAll(decode(gb, 1));
            }
            assertEquals(2, rec.openRecordings());
        }
        try (Session pa = session(plain, PROMPT); Session pb = session(plain, OTHER_PROMPT)) {
            assertSameLogits(decode(pa, 6), a);
            assertSameLogits(decode(pb, 6), b);
        }
        assertEquals(2, rec.recordings().size());
        assertEquals(10, rec.launches);
    }

    @Test
    void aNewExpertSelectionIsRecordedAgain() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec), plain = model(cpu());
        ExpertSelection reduced = new ExpertSelection(2, 1, 0.5f);
        try (Session g = session(graphed, PROMPT); Session p = session(plain, PROMPT)) {
            List<float[]> expected = decode(p, 3), actual = decode(g, 3);
            graphed.setExpertSelection(ExpertSelection.topK(2));
            assertEquals(1, rec.openRecordings(), "the same selection keeps the recording");
            graphed.setExpertSelection(reduced);
            plain.setExpertSelection(reduced);
            assertEquals(0, rec.openRecordings(), "a recording holds the selection it was made with");
            expected.addAll(decode(p, 3));
            actual.addAll(decode(g, 3));
            assertSameLogits(expected, actual);
        }
        assertEquals(2, rec.recordings().size());
        assertEquals(4, rec.launches);
    }

    @Test
    void aStaleRecordingIsRecordedAgain() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec), plain = model(cpu());
        try (Session g = session(graphed, PROMPT); Session p = session(plain, PROMPT)) {
            List<float[]> expected = decode(p, 6), actual = decode(g, 3);
            rec.moveScratch();
            actual.addAll(decode(g, 1));
            assertEquals(2, rec.launches, "the step after the scratch moved runs op by op");
            assertTrue(rec.recordings().getFirst().closed);
            actual.addAll(decode(g, 2));
            assertSameLogits(expected, actual);
        }
        assertEquals(2, rec.recordings().size());
        assertEquals(4, rec.launches);
    }

    /** {@code n} sessions, each with a one-token prompt and one decode step (so each records its step). */
    private static List<Session> oneStepEach(HunyuanModel m, int n) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Session s = session(m, new int[] {i + 1});
            decode(s, 1);
            sessions.add(s);
        }
        return sessions;
    }

    @Test
    void atMostEightCachesKeepARecording() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec);
        List<Session> sessions = oneStepEach(graphed, 9);
        assertEquals(8, rec.openRecordings());
        assertTrue(rec.recordings().getFirst().closed, "the least recently used goes first");
        sessions.remove(3).close();
        assertTrue(rec.recordings().get(3).closed, "a closed session's recording is closed");
        graphed.dropStepGraphs();
        assertEquals(0, rec.openRecordings());
        sessions.forEach(Session::close);
    }

    @Test
    void theServerReservesARecordingPerSlot() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec);
        graphed.reserveStepGraphs(10);
        List<Session> sessions = oneStepEach(graphed, 10);
        assertEquals(10, rec.openRecordings());
        sessions.forEach(Session::close);
    }

    /** A backend whose recording fails: the step's own result stands, and decoding goes on op by op. */
    @Test
    void aFailedRecordingFallsBackToOpByOp() {
        Backend cpu = cpu();
        List<float[]> expected;
        try (Session s = session(model(cpu), PROMPT)) {
            expected = decode(s, 4);
        }
        SlotRewritingBackend failing = new SlotRewritingBackend(cpu()) {
            @Override
            public hy.runtime.backend.RecordedStep record(int tokens, Runnable step) {
                throw new IllegalStateException("capture not supported");
            }
        };
        HunyuanModel graphed = model(failing);
        try (Session s = session(graphed, PROMPT)) {
            assertSameLogits(expected, decode(s, 4));
        }
        assertEquals(0, graphed.replayedSteps());
    }

    @Test
    void switchedOffNothingIsRecorded() {
        SlotRewritingBackend rec = new SlotRewritingBackend(cpu());
        HunyuanModel graphed = model(rec);
        try (Session s = session(graphed, PROMPT)) {
            decode(s, 2);
            s.evaluate(new int[] {9}, LogitsMode.NONE);
            assertEquals(1, rec.recordings().size(), "a step without logits is not recorded");
            graphed.setStepGraphs(false);
            assertEquals(0, rec.openRecordings());
            s.append(10);
            s.append(11);
        }
        assertEquals(1, rec.recordings().size());
        assertEquals(1, rec.launches);
        assertEquals(1, graphed.replayedSteps());
    }

    @Test
    void environmentSwitch() {
        assertTrue(StepRecording.enabled(null, null));
        assertTrue(StepRecording.enabled("1", "true"));
        assertFalse(StepRecording.enabled("0", null));
        assertFalse(StepRecording.enabled(" 0 ", null));
        assertFalse(StepRecording.enabled(null, "false"));
        assertFalse(StepRecording.enabled("1", "FALSE"));
    }
}
