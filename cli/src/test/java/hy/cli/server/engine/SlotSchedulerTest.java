package hy.cli.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.cli.server.TestModels;
import hy.runtime.engine.LoadedModel;
import hy.runtime.sampling.SamplerConfig;
import hy.runtime.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine without HTTP: interleaving, prefix reuse, limits, cancellation, failures. */
class SlotSchedulerTest {
    /** Prompt micro-batches of 4 tokens, so that prompts are evaluated in several interleaved steps. */
    static final LoadedModel MODEL = TestModels.embedded(4);
    static final SamplerConfig SAMPLED = new SamplerConfig(0.9f, 40, 0.95f, 0f, 1.1f, 64, 1234);

    /** A submitted job and its events. */
    record Run(GenerationJob job, BlockingQueue<GenerationEvent> events) {
        static Run submit(SlotScheduler s, GenerationRequest r) {
            BlockingQueue<GenerationEvent> q = new LinkedBlockingQueue<>();
            return new Run(s.submit(r, q::add), q);
        }

        /** All events up to the last one. */
        List<GenerationEvent> all() throws InterruptedException {
            List<GenerationEvent> out = new ArrayList<>();
            while (true) {
                GenerationEvent e = events.poll(20, TimeUnit.SECONDS);
                if (e == null) throw new AssertionError("no event for 20 s; got " + out);
                out.add(e);
                if (e instanceof GenerationEvent.Finished || e instanceof GenerationEvent.Failed) return out;
            }
        }

        List<Integer> tokens() throws InterruptedException {
            return all().stream().filter(e -> e instanceof GenerationEvent.Token).map(e -> ((GenerationEvent.Token) e).id()).toList();
        }
    }

    static int[] ids(String text) {
        return MODEL.tokenizer().encode(text, true);
    }

    static GenerationRequest request(String prompt, int maxTokens) {
        return new GenerationRequest(ids(prompt), SAMPLED, maxTokens, List.of(), 0, true);
    }

    static SlotScheduler scheduler(int slots, int ctx) {
        return new SlotScheduler(MODEL, slots, ctx, GgmlType.F16, GgmlType.F16, 16);
    }

    @Test
    void slotsTakingTurnsGenerateExactlyWhatEachWouldAlone() throws Exception {
        List<String> prompts = List.of("The first prompt is here.", "A second, rather different one!", "3rd: short");
        List<List<Integer>> alone = new ArrayList<>();
        try (SlotScheduler one = scheduler(1, 256)) {
            for (String p : prompts) {
                // A fresh slot state per prompt: an unrelated prompt shares no prefix, so nothing is reused.
                alone.add(Run.submit(one, request(p, 24)).tokens());
            }
        }
        try (SlotScheduler three = scheduler(3, 256)) {
            List<Run> runs = prompts.stream().map(p -> Run.submit(three, request(p, 24))).toList();
            for (int i = 0; i < runs.size(); i++) assertEquals(alone.get(i), runs.get(i).tokens(), prompts.get(i));
        }
    }

    @Test
    void aRequestGoesToTheSlotHoldingItsPrefixAndReusesIt() throws Exception {
        try (SlotScheduler s = scheduler(2, 256)) {
            GenerationEvent.Started a = (GenerationEvent.Started) Run.submit(s, request("Conversation A so far", 5)).all().getFirst();
            GenerationEvent.Started b = (GenerationEvent.Started) Run.submit(s, request("Other B", 5)).all().getFirst();
            assertTrue(a.slot() != b.slot());
            List<GenerationEvent> again = Run.submit(s, request("Conversation A so far, continued", 5)).all();
            GenerationEvent.Started a2 = (GenerationEvent.Started) again.getFirst();
            assertEquals(a.slot(), a2.slot());
            assertEquals(ids("Conversation A so far").length, a2.cachedTokens());
            GenerationStats stats = ((GenerationEvent.Finished) again.getLast()).stats();
            assertEquals(ids("Conversation A so far").length, stats.cachedTokens());
            assertEquals(ids("Conversation A so far, continued").length - a2.cachedTokens(), stats.evaluatedPromptTokens());
        }
    }

    @Test
    void limits() throws Exception {
        try (SlotScheduler s = scheduler(1, 16)) {
            GenerationEvent.Finished none = (GenerationEvent.Finished) Run.submit(s, request("zero", 0)).all().getLast();
            assertEquals(FinishReason.TOKEN_LIMIT, none.reason());
            assertEquals(0, none.stats().generatedTokens());

            int[] ten = ids("0123456789");
            GenerationRequest unlimited = new GenerationRequest(ten, SAMPLED, -1, List.of(), 0, true);
            GenerationEvent.Finished full = (GenerationEvent.Finished) Run.submit(s, unlimited).all().getLast();
            assertEquals(FinishReason.CONTEXT_FULL, full.reason());
            // 6 tokens fit after the prompt; a 7th is sampled from the last position's logits but not stored.
            assertEquals(16 - 10 + 1, full.stats().generatedTokens());
            assertEquals(16, s.slotStates().getFirst().cachedTokens());
        }
    }

    @Test
    void aCancelledRequestLeavesTheQueueAndAFailureDoesNotStopTheEngine() throws Exception {
        try (SlotScheduler s = scheduler(1, 1024)) {
            Run running = Run.submit(s, request("long", 900));
            assertInstanceOf(GenerationEvent.Started.class, running.events().take());
            Run queued = Run.submit(s, request("queued", 5));
            assertEquals(1, s.waitingCount());
            s.cancel(queued.job());
            assertEquals(0, s.waitingCount());
            assertInstanceOf(GenerationEvent.Finished.class, running.all().getLast());
            assertNull(queued.events().poll(100, TimeUnit.MILLISECONDS), "a cancelled request hears nothing");

            // A prompt longer than the slot (the HTTP layer refuses these first) fails alone.
            GenerationRequest tooLong = new GenerationRequest(ids("x".repeat(1100)), SAMPLED, 5, List.of(), 0, true);
            assertInstanceOf(GenerationEvent.Failed.class, Run.submit(s, tooLong).all().getLast());
            assertInstanceOf(GenerationEvent.Finished.class, Run.submit(s, request("still serving", 3)).all().getLast());
        }
    }

    @Test
    void closingFailsWhatIsStillRunning() throws Exception {
        Run run;
        try (SlotScheduler s = scheduler(1, 100_000)) {
            run = Run.submit(s, request("forever", 90_000));
            run.events().take();
        }
        assertInstanceOf(GenerationEvent.Failed.class, run.all().getLast());
    }
}
