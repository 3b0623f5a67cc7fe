package org.introdl.core.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.introdl.core.UserError;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  @Test
  void returnsWhatTheWorkReturns() {
    assertEquals(42, Watchdog.call(Duration.ofSeconds(5), "model", () -> 42));
    assertEquals(7, Watchdog.call(Duration.ZERO, "model", () -> 7), "zero: no limit, run inline");
  }

  @Test
  void givesUpOnWorkThatDoesNotFinishWithOneLine() {
    CountDownLatch never = new CountDownLatch(1);
    long start = System.nanoTime();
    Watchdog.TimedOut e = assertThrows(Watchdog.TimedOut.class,
        () -> Watchdog.call(Duration.ofMillis(300), "model.pb", () -> {
          never.await();
          return 0;
        }));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 5, "took " + seconds + " s");
    assertTrue(e.getMessage().startsWith("model.pb: the model did not finish within 300 ms"), e.getMessage());
    assertTrue(e instanceof UserError, "a user-facing error: one line, no stack trace");
    never.countDown();
  }

  @Test
  void passesTheWorksErrorsOn() {
    UserError e = assertThrows(UserError.class,
        () -> Watchdog.call(Duration.ofSeconds(5), "m", () -> {
          throw new UserError("bad input");
        }));
    assertEquals("bad input", e.getMessage());
  }

  @Test
  void runOptionsCarryTheLimitForCancellableOps() {
    assertEquals(1500, Watchdog.runOptions(Duration.ofMillis(1500)).getTimeoutInMs());
    assertEquals(0, Watchdog.runOptions(Duration.ZERO).getTimeoutInMs());
  }
}
