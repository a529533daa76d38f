// EpisodeSetup: what the two chatlog benchmarks' episodes share
// (LogEpisodes, CrashEpisodes): the scenario, where its senders run, the
// ledger every episode marks, a fresh chat file per episode, and the file
// check that deletes the file, whatever it finds.
//
// The ledger lives in shared memory (message_ledger.h), so the crash
// test's forked logging process marks the parent's. An EpisodeSetup is
// one benchmark instance's, used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "contend/chatlog/chat_file_check.h"
#include "contend/chatlog/chat_senders.h"
#include "contend/chatlog/chatlog_config.h"
#include "contend/chatlog/message_ledger.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend::chatlog {

// A chat file as read, and compared with the ledger.
struct CheckedChatFile {
  ChatFile file;
  LedgerComparison against;
};

class EpisodeSetup {
 public:
  EpisodeSetup(ChatlogConfig config, const Topology& topology, std::vector<Place> sender_places);

  const ChatlogConfig& config() const { return config_; }
  MessageLedger& ledger() { return ledger_; }
  const MessageLedger& ledger() const { return ledger_; }
  uint64_t total_messages() const { return uint64_t(config_.senders) * config_.per_sender; }

  // A fresh name, in the scratch directory, for one episode's chat file.
  std::string new_file_path() const;
  // The senders send the episode's messages to 127.0.0.1:`port` from
  // their places (chat_senders.h).
  SendTally send(uint16_t port) const;
  // Reads the chat file at `path`, deletes it, and compares it with the
  // ledger. The file is deleted also when reading it throws
  // (std::system_error: it cannot be read), and the exception passes on.
  CheckedChatFile check_and_remove(const std::string& path, TornTail torn_tail) const;

 private:
  ChatlogConfig config_;
  const Topology& topology_;
  std::vector<Place> sender_places_;
  MessageLedger ledger_;
};

// A count's mean per judged episode (dropped datagrams, acked_missing,
// torn tails): the judge adds each episode's, the end of the warm-up clears.
class PerEpisodeMean {
 public:
  void add(uint64_t count) {
    total_ += count;
    ++episodes_;
  }
  void clear() { total_ = episodes_ = 0; }
  double mean() const { return episodes_ ? double(total_) / double(episodes_) : 0.0; }

 private:
  uint64_t total_ = 0;
  uint64_t episodes_ = 0;
};

}  // namespace contend::chatlog
