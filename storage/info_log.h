// RocksDB's info log, the LOG file in the database directory, written so that a failed write
// costs a line and nothing else.
//
// Why not RocksDB's own (CreateLoggerFromOptions, an EnvLogger): once one of its writes fails, the
// next line trips an assertion in RocksDB's file writer (`sync_without_flush_called_`,
// file/writable_file_writer.h) and, in a RocksDB built with assertions as Debian's is, aborts the
// server. A full disk fails the first write; the line RocksDB logs about that error is the next.
// Here every line is one append(2) of its own whose failure is ignored: on a full disk the LOG
// misses lines, and the database's own handling of the error (storage.md) goes on.
#pragma once

#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace leadrouter::storage {

// Opens `db_path`/LOG for `level` and above, first renaming an existing one to LOG.old.<micros>
// as RocksDB does (it deletes the oldest beyond DBOptions::keep_log_file_num). Null when the file
// cannot be opened: the database then runs without an info log.
std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& db_path,
                                             rocksdb::InfoLogLevel level);

}  // namespace leadrouter::storage
