// DirectWrite: no queue. The receiver that got a line writes it, holding
// one mutex for the write (and the fsync the policy asks for), so lines
// never interleave mid-line and the LogFile has one caller at a time.
//
// What it costs is the point of the comparison: the receiver is busy for a
// whole write system call (and an fsync under fsync_each) per line, during
// which datagrams pile up in the socket's receive buffer and, once it is
// full, the kernel drops them.
#pragma once

#include <mutex>

#include "contend/chatlog/chat_log.h"

namespace contend::chatlog {

class DirectWrite final : public ChatLog {
 public:
  explicit DirectWrite(LogFile& file) : file_(file) {}
  void append(ChatMessage&& message) override;
  void close() override;

 private:
  LogFile& file_;
  std::mutex mutex_;  // one writer of file_ at a time
};

}  // namespace contend::chatlog
