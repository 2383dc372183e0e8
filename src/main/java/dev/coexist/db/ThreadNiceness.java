package dev.coexist.db;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the operating system's scheduling priority (raises the nice value) of the calling thread,
 * on Linux, where each Java platform thread is a kernel thread with a nice value of its own. The
 * apply side runs its threads this way so that, when the CPU is short, the threads that acknowledge
 * deliveries (the web server's and the journal writer) are scheduled first and the apply takes what
 * is left: a sender's acknowledgement never waits for CPU an apply took, and with CPU to spare the
 * apply still runs at full speed (a nice value shares contended CPU, it does not cap). Elsewhere,
 * or when the C library cannot be called, it does nothing and says so once.
 */
public final class ThreadNiceness {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadNiceness.class);
  private static final int PRIO_PROCESS = 0;
  private static final Optional<Calls> CALLS = link();

  private ThreadNiceness() {}

  private record Calls(MethodHandle gettid, MethodHandle setpriority) {}

  /**
   * Links {@code gettid} and {@code setpriority} of the C library through the foreign function API.
   * Coexist is compiled for Java 21, where that API is a preview; from Java 22 it is final, so it
   * is looked up at run time (on 21 the lookup fails and priorities stay as they are).
   */
  private static Optional<Calls> link() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Optional.empty();
    }
    try {
      final Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
      final Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
      final Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
      final Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
      final Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
      final Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
      final Object linker = linkerType.getMethod("nativeLinker").invoke(null);
      final Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
      final Object javaInt =
          Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
      final Method find = lookupType.getMethod("find", String.class);
      final Method describe = descriptorType.getMethod("of", layoutType, layoutType.arrayType());
      final Method downcall =
          linkerType.getMethod(
              "downcallHandle", segmentType, descriptorType, optionType.arrayType());
      final Object noOptions = Array.newInstance(optionType, 0);
      final Object[] intArguments = (Object[]) Array.newInstance(layoutType, 3);
      Arrays.fill(intArguments, javaInt);
      final MethodHandle gettid =
          (MethodHandle)
              downcall.invoke(
                  linker,
                  ((Optional<?>) find.invoke(libc, "gettid")).orElseThrow(),
                  describe.invoke(null, javaInt, Array.newInstance(layoutType, 0)),
                  noOptions);
      final MethodHandle setpriority =
          (MethodHandle)
              downcall.invoke(
                  linker,
                  ((Optional<?>) find.invoke(libc, "setpriority")).orElseThrow(),
                  describe.invoke(null, javaInt, intArguments),
                  noOptions);
      return Optional.of(new Calls(gettid, setpriority));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
      LOG.info("Thread priorities stay as they are: {}", unavailable.toString());
      return Optional.empty();
    }
  }

  /**
   * Sets the calling platform thread's nice value to {@code nice} (0 leaves it alone); whether it
   * could. Raising it needs no privilege.
   */
  public static boolean apply(final int nice) {
    if (nice == 0 || CALLS.isEmpty() || Thread.currentThread().isVirtual()) {
      return false;
    }
    try {
      final int tid = (int) CALLS.get().gettid().invokeExact();
      final int result = (int) CALLS.get().setpriority().invokeExact(PRIO_PROCESS, tid, nice);
      if (result != 0) {
        LOG.info(
            "Thread {} keeps its priority: setpriority refused", Thread.currentThread().getName());
        return false;
      }
      return true;
    } catch (Throwable refused) {
      LOG.info(
          "Thread {} keeps its priority: {}", Thread.currentThread().getName(), refused.toString());
      return false;
    }
  }
}
