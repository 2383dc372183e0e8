package dev.coexist.web;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Helidon's writer for one socket, with the start of the write in progress marked: Helidon's socket
 * writes block until the kernel took every byte, so a client that does not read keeps a write (and
 * its thread) waiting, and only the clock tells. Marked per call, not per response, so that a long
 * response that keeps moving (a live feed) is never cut. One thread writes at a time.
 */
final class TimedWriter implements DataWriter {
  private final DataWriter socketWriter;
  private volatile long writingSince;

  TimedWriter(final DataWriter socketWriter) {
    this.socketWriter = socketWriter;
  }

  /** When the write in progress started ({@link System#nanoTime()}), or 0 when none is. */
  long writingSince() {
    return writingSince;
  }

  @Override
  public void write(final BufferData... buffers) {
    final long outer = start();
    try {
      socketWriter.write(buffers);
    } finally {
      end(outer);
    }
  }

  @Override
  public void write(final BufferData buffer) {
    final long outer = start();
    try {
      socketWriter.write(buffer);
    } finally {
      end(outer);
    }
  }

  @Override
  public void writeNow(final BufferData... buffers) {
    final long outer = start();
    try {
      socketWriter.writeNow(buffers);
    } finally {
      end(outer);
    }
  }

  @Override
  public void writeNow(final BufferData buffer) {
    final long outer = start();
    try {
      socketWriter.writeNow(buffer);
    } finally {
      end(outer);
    }
  }

  @Override
  public void flush() {
    final long outer = start();
    try {
      socketWriter.flush();
    } finally {
      end(outer);
    }
  }

  @Override
  public void close() {
    socketWriter.close();
  }

  /** Marks a write as started, unless one already is (a write calling another): its mark. */
  private long start() {
    final long outer = writingSince;
    if (outer == 0) {
      writingSince = System.nanoTime();
    }
    return outer;
  }

  /** Ends the mark this call set; an outer call's mark stays. */
  private void end(final long outer) {
    if (outer == 0) {
      writingSince = 0;
    }
  }
}
