package io.corecache.engine.bitcask;

import java.util.List;

/** What a scan reads: key-directory pages as they were, the files they point into (pinned), the revision. */
record Snapshot(List<KeyDirPage> pages, List<DataFile> files, long revision) {

    void release() {
        files.forEach(DataFile::release);
    }
}
