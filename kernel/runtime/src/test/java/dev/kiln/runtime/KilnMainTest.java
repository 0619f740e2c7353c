package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KilnMainTest {
    @Test
    void oneEventLoopPerTwoCoresAndNeverNone() {
        assertEquals(1, KilnMain.defaultEventLoops(1));
        assertEquals(1, KilnMain.defaultEventLoops(2));
        assertEquals(1, KilnMain.defaultEventLoops(3));
        assertEquals(2, KilnMain.defaultEventLoops(4));
        assertEquals(8, KilnMain.defaultEventLoops(16));
    }
}
