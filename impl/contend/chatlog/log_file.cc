// The chat file with its durability policy. See log_file.h.
#include "contend/chatlog/log_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace contend::chatlog {

LogFile::LogFile(const std::string& path, Durability durability, MessageLedger* ledger,
                 FsyncHook fsync_hook)
    : path_(path), durability_(durability), ledger_(ledger), fsync_hook_(std::move(fsync_hook)) {
  if (!fsync_hook_) fsync_hook_ = [](int fd) { return ::fsync(fd); };
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

void LogFile::write(std::span<const ChatMessage* const> lines) {
  if (lines.empty()) return;
  write_all(lines);
  lines_written_ += lines.size();
  for (const ChatMessage* m : lines) pending_acks_.emplace_back(m->sender, m->seq);
  switch (durability_.policy) {
    case DurabilityPolicy::kNone:
      break;
    case DurabilityPolicy::kFsyncEveryN:
      unsynced_lines_ += static_cast<int>(lines.size());
      if (unsynced_lines_ < durability_.every_n) return;  // acknowledged by a later fsync
      sync();
      break;
    case DurabilityPolicy::kFsyncEach:
      sync();
      break;
  }
  acknowledge_pending();
}

void LogFile::close() {
  if (fd_ < 0) return;
  if (!pending_acks_.empty()) {
    if (durability_.policy != DurabilityPolicy::kNone) sync();
    acknowledge_pending();
  }
  ::close(fd_);
  fd_ = -1;
}

void LogFile::write_all(std::span<const ChatMessage* const> lines) {
  // writev takes at most IOV_MAX pieces; a short write resumes mid-piece.
  std::vector<iovec> pieces;
  pieces.reserve(std::min<size_t>(lines.size(), IOV_MAX));
  size_t next = 0;
  while (next < lines.size()) {
    pieces.clear();
    for (size_t i = next; i < lines.size() && pieces.size() < IOV_MAX; ++i)
      pieces.push_back({const_cast<char*>(lines[i]->line.data()), lines[i]->line.size()});
    next += pieces.size();
    iovec* first = pieces.data();
    int count = static_cast<int>(pieces.size());
    while (count > 0) {
      const ssize_t n = ::writev(fd_, first, count);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "write " + path_);
      }
      size_t done = static_cast<size_t>(n);
      while (count > 0 && done >= first->iov_len) {
        done -= first->iov_len;
        ++first;
        --count;
      }
      if (count > 0) {
        first->iov_base = static_cast<char*>(first->iov_base) + done;
        first->iov_len -= done;
      }
    }
  }
}

void LogFile::sync() {
  if (fsync_hook_(fd_) != 0) throw std::system_error(errno, std::generic_category(), "fsync " + path_);
  ++fsyncs_;
  unsynced_lines_ = 0;
}

void LogFile::acknowledge_pending() {
  if (ledger_)
    for (const auto& [sender, seq] : pending_acks_)
      if (ledger_->contains(sender, seq)) ledger_->mark(sender, seq, MessageLedger::kAcked);
  pending_acks_.clear();
}

}  // namespace contend::chatlog
