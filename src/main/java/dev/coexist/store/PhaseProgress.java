package dev.coexist.store;

/**
 * History sync figures of one phase ({@code 0} = day 0-1, {@code 1} = day 1-90, {@code 2} = day
 * 90-180; {@code -1} for chunks without a phase). A repeated chunk is counted once.
 */
public record PhaseProgress(int phase, int chunks, int highestChunkOrder, long messages) {}
