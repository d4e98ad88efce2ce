package io.corecache.engine.bitcask;

import io.corecache.engine.FileHandle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The engine's open data files, by handle (what the key directory stores) and by id (replay order).
 * Lookups by handle are lock-free; changes happen under the engine's write lock.
 */
final class FileTable {

    private volatile DataFile[] byHandle = new DataFile[16];
    private final TreeMap<Long, DataFile> byId = new TreeMap<>();
    private int nextHandle;

    /** The file with this handle, or null once it has been retired. */
    DataFile get(int handle) {
        DataFile[] table = byHandle;
        return handle < table.length ? table[handle] : null;
    }

    DataFile add(long id, Path path, FileHandle file, long size) {
        int handle = nextHandle++;
        DataFile dataFile = new DataFile(handle, id, path, file, size);
        DataFile[] table = byHandle;
        if (handle >= table.length) {
            table = Arrays.copyOf(table, table.length * 2);
        }
        table[handle] = dataFile;
        byHandle = table;
        byId.put(id, dataFile);
        return dataFile;
    }

    /** Forgets the file and drops the table's reference to it (it closes when unpinned). Idempotent. */
    void retire(DataFile file) {
        if (byId.remove(file.id) != file) {
            return;
        }
        DataFile[] table = byHandle.clone();
        table[file.handle] = null;
        byHandle = table;
        file.release();
    }

    /** Every file in replay order. */
    List<DataFile> all() {
        return new ArrayList<>(byId.values());
    }

    int count() {
        return byId.size();
    }

    long highestId() {
        return byId.isEmpty() ? -1 : byId.lastKey();
    }
}
