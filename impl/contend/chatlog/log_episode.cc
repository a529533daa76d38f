// The log benchmark's episodes. See log_episode.h.
#include "contend/chatlog/log_episode.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <utility>

#include "contend/chatlog/chat_file_check.h"
#include "contend/chatlog/chat_receivers.h"
#include "contend/chatlog/chat_senders.h"
#include "contend/chatlog/log_file.h"
#include "contend/chatlog/udp_inbox.h"
#include "contend/harness/clock.h"

namespace contend::chatlog {

std::string episode_file_path(const std::string& dir) {
  static std::atomic<uint64_t> next{0};
  return dir + "/chat." + std::to_string(::getpid()) + "." +
         std::to_string(next.fetch_add(1, std::memory_order_relaxed)) + ".txt";
}

LogEpisodes::LogEpisodes(ChatlogConfig config, const Topology& topology,
                         std::vector<Place> sender_places)
    : config_(std::move(config)),
      topology_(topology),
      sender_places_(std::move(sender_places)),
      ledger_(config_.senders, config_.per_sender) {}

EpisodeResult LogEpisodes::run_episode() {
  EpisodeResult result;
  ledger_.clear();
  sent_ = 0;
  episode_error_.clear();
  file_path_ = episode_file_path(config_.scratch_dir);
  try {
    LogFile file(file_path_, config_.durability, &ledger_);
    auto log = make_chat_log(config_.design, file);
    UdpInbox inbox(config_.receivers, config_.rcvbuf_bytes);
    rcvbuf_granted_ = inbox.rcvbuf_granted();
    ChatReceivers receivers(inbox, *log, ledger_);
    const int64_t start_ns = monotonic_ns();
    const SendTally tally =
        send_chat(inbox.port(), config_.senders, config_.per_sender, topology_, sender_places_);
    sent_ = tally.sent;
    receivers.wait_for_sentinels(std::chrono::steady_clock::now() + config_.sentinel_wait);
    const int64_t waited_until_ns = monotonic_ns();
    receivers.stop();
    const int64_t close_start_ns = monotonic_ns();
    log->close();
    const int64_t closed_ns = monotonic_ns();
    episode_error_ = receivers.error();
    // The end of the receivers' work: the last hand-off, wherever it fell
    // (a slow receiver still drains its socket after the sentinel wait
    // ended), or the end of that wait if nothing arrived; then the writer's
    // close, which writes what is still queued.
    int64_t last = receivers.last_message_ns();
    if (last == 0) last = waited_until_ns;
    result.makespan_seconds = double((last - start_ns) + (closed_ns - close_start_ns)) / 1e9;
    receivers.merge_latencies_into(latencies_);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  if (!result.error.empty()) std::remove(file_path_.c_str());
  return result;
}

EpisodeVerdict LogEpisodes::judge() {
  EpisodeVerdict verdict;
  try {
    const ChatFile file = read_chat_file_at(file_path_, config_.senders, config_.per_sender);
    std::remove(file_path_.c_str());
    const LedgerComparison against = check_against_ledger(file, ledger_);
    verdict.items = file.lines;
    if (!episode_error_.empty()) verdict.error = episode_error_;
    else if (!file.error.empty()) verdict.error = file.error;
    else if (!against.error.empty()) verdict.error = against.error;
    else if (against.missing > 0)
      verdict.error = std::to_string(against.missing) +
                      " accepted messages are missing from the chat file after close()";
    const uint64_t received = ledger_.count_with(MessageLedger::kReceived);
    dropped_total_ += sent_ > received ? sent_ - received : 0;
    ++episodes_judged_;
  } catch (const std::exception& e) {
    std::remove(file_path_.c_str());
    verdict.error = e.what();
  }
  return verdict;
}

EpisodePlan LogEpisodes::plan() {
  EpisodePlan plan;
  plan.judge = [this](const EpisodeResult&) { return judge(); };
  plan.after_warmup = [this] {
    latencies_.clear();
    dropped_total_ = 0;
    episodes_judged_ = 0;
  };
  return plan;
}

double LogEpisodes::dropped_per_episode() const {
  return episodes_judged_ ? double(dropped_total_) / double(episodes_judged_) : 0.0;
}

}  // namespace contend::chatlog
