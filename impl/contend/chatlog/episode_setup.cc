// What the chatlog episodes share. See episode_setup.h.
#include "contend/chatlog/episode_setup.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <utility>

namespace contend::chatlog {

EpisodeSetup::EpisodeSetup(ChatlogConfig config, const Topology& topology,
                           std::vector<Place> sender_places)
    : config_(std::move(config)),
      topology_(topology),
      sender_places_(std::move(sender_places)),
      ledger_(config_.senders, config_.per_sender) {}

std::string EpisodeSetup::new_file_path() const {
  // Relaxed: a unique number is all it gives; the pid keeps processes apart.
  static std::atomic<uint64_t> next{0};
  return config_.scratch_dir + "/chat." + std::to_string(::getpid()) + "." +
         std::to_string(next.fetch_add(1, std::memory_order_relaxed)) + ".txt";
}

SendTally EpisodeSetup::send(uint16_t port) const {
  return send_chat(port, config_.senders, config_.per_sender, topology_, sender_places_);
}

CheckedChatFile EpisodeSetup::check_and_remove(const std::string& path, TornTail torn_tail) const {
  CheckedChatFile checked;
  try {
    checked.file = read_chat_file_at(path, config_.senders, config_.per_sender, torn_tail);
  } catch (...) {
    std::remove(path.c_str());
    throw;
  }
  std::remove(path.c_str());
  checked.against = check_against_ledger(checked.file, ledger_);
  return checked;
}

}  // namespace contend::chatlog
