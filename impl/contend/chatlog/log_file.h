// LogFile: the chat file every writer design appends to, with the
// durability policy applied and each line acknowledged in the ledger.
//
// write(lines) appends the lines in the given order with write(2) (one
// line) or writev(2) (several), retrying short writes, then fsyncs as the
// policy says (durability.h) and marks each line kAcked in the ledger once
// the policy allows: after the write for `none`, after the covering fsync
// otherwise. close() fsyncs what fsync_every_n left uncovered, acknowledges
// it and closes the file.
//
// The file is opened O_APPEND | O_CREAT | O_TRUNC: every episode starts from
// an empty file, and nothing is buffered in user space (no stdio): once
// write() returned, the line is in the page cache and survives the death of
// this process.
//
// fsync is injectable (FsyncHook) so that tests can count the calls. A
// failed write or fsync throws std::system_error.
// Not thread-safe: one caller at a time (each writer design serialises its
// calls: a mutex, or a single writer thread).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "contend/chatlog/chat_message.h"
#include "contend/chatlog/durability.h"
#include "contend/chatlog/message_ledger.h"

namespace contend::chatlog {

using FsyncHook = std::function<int(int fd)>;  // returns like fsync(2)

class LogFile {
 public:
  // `ledger` may be null (nothing is acknowledged); `fsync_hook` empty
  // means ::fsync. Throws std::system_error when the file cannot be opened.
  LogFile(const std::string& path, Durability durability, MessageLedger* ledger,
          FsyncHook fsync_hook = {});
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  void write(std::span<const ChatMessage* const> lines);
  void write(const ChatMessage& line) {
    const ChatMessage* one = &line;
    write(std::span<const ChatMessage* const>(&one, 1));
  }
  void close();

  uint64_t fsyncs() const { return fsyncs_; }
  uint64_t lines_written() const { return lines_written_; }
  const std::string& path() const { return path_; }

 private:
  void write_all(std::span<const ChatMessage* const> lines);
  void sync();
  void acknowledge_pending();

  std::string path_;
  Durability durability_;
  MessageLedger* ledger_;
  FsyncHook fsync_hook_;
  int fd_ = -1;
  uint64_t fsyncs_ = 0;
  uint64_t lines_written_ = 0;
  int unsynced_lines_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pending_acks_;  // written, not yet covered
};

}  // namespace contend::chatlog
