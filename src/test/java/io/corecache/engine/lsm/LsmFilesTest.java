package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LsmFilesTest {

    @Test
    void namesAreSixteenHexDigitsAndParseBack() {
        assertEquals("00000000000000ff.sst", LsmFiles.sst(255));
        assertEquals("0000000000000001.wal", LsmFiles.wal(1));
        assertEquals("MANIFEST-000000000000002a", LsmFiles.manifest(42));
        assertEquals("CURRENT.tmp", LsmFiles.temp(LsmFiles.CURRENT));
        assertTrue(LsmFiles.isTemp("CURRENT.tmp"));
        for (long n : new long[] {0, 1, 255, 1L << 40, Long.MAX_VALUE, -1L}) {
            assertEquals(OptionalLong.of(n), LsmFiles.parseSst(LsmFiles.sst(n)));
            assertEquals(OptionalLong.of(n), LsmFiles.parseWal(LsmFiles.wal(n)));
            assertEquals(OptionalLong.of(n), LsmFiles.parseManifest(LsmFiles.manifest(n)));
        }
    }

    @Test
    void namesOfOtherKindsOrSpellingsDoNotParse() {
        assertTrue(LsmFiles.parseSst(LsmFiles.wal(7)).isEmpty());
        assertTrue(LsmFiles.parseWal(LsmFiles.sst(7)).isEmpty());
        assertTrue(LsmFiles.parseSst("00000000000000FF.sst").isEmpty(), "upper case is not our spelling");
        assertTrue(LsmFiles.parseSst("ff.sst").isEmpty());
        assertTrue(LsmFiles.parseSst("000000000000000ff.sst").isEmpty());
        assertTrue(LsmFiles.parseSst("00000000000000ff.sst.tmp").isEmpty());
        assertTrue(LsmFiles.parseManifest("MANIFEST-000000000000002a\n").isEmpty());
        assertTrue(LsmFiles.parseManifest("MANIFEST-+00000000000002a").isEmpty());
        assertFalse(LsmFiles.isTemp(LsmFiles.CURRENT));
    }
}
