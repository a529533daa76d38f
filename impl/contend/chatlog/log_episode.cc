// The log benchmark's episodes. See log_episode.h.
#include "contend/chatlog/log_episode.h"

#include <cstdio>
#include <exception>
#include <utility>

#include "contend/chatlog/chat_file_check.h"
#include "contend/chatlog/chat_receivers.h"
#include "contend/chatlog/chat_senders.h"
#include "contend/chatlog/log_file.h"
#include "contend/chatlog/udp_inbox.h"
#include "contend/harness/clock.h"
#include "contend/harness/cpu_time.h"

namespace contend::chatlog {

LogEpisodes::LogEpisodes(ChatlogConfig config, const Topology& topology,
                         std::vector<Place> sender_places)
    : setup_(std::move(config), topology, std::move(sender_places)) {}

EpisodeResult LogEpisodes::run_episode() {
  EpisodeResult result;
  const ChatlogConfig& config = setup_.config();
  setup_.ledger().clear();
  sent_ = 0;
  episode_error_.clear();
  file_path_ = setup_.new_file_path();
  episode_cpu_ns_ = 0;
  const int64_t process_before = process_cpu_ns();
  const int64_t waiter_before = thread_cpu_ns();
  try {
    LogFile file(file_path_, config.durability, &setup_.ledger());
    auto log = make_chat_log(config.design, file);
    UdpInbox inbox(config.receivers, config.rcvbuf_bytes);
    rcvbuf_granted_ = inbox.rcvbuf_granted();
    ChatReceivers receivers(inbox, *log, setup_.ledger());
    const int64_t start_ns = monotonic_ns();
    const SendTally sent = setup_.send(inbox.port());
    sent_ = sent.sent;
    receivers.wait_for_sentinels(std::chrono::steady_clock::now() + config.sentinel_wait);
    const int64_t waited_until_ns = monotonic_ns();
    receivers.stop();
    const int64_t close_start_ns = monotonic_ns();
    log->close();
    const int64_t closed_ns = monotonic_ns();
    episode_cpu_ns_ = (process_cpu_ns() - process_before) - (thread_cpu_ns() - waiter_before) -
                      sent.cpu_ns;
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
    const auto [file, against] = setup_.check_and_remove(file_path_, TornTail::kError);
    verdict.items = file.lines;
    if (!episode_error_.empty()) verdict.error = episode_error_;
    else if (!file.error.empty()) verdict.error = file.error;
    else if (!against.error.empty()) verdict.error = against.error;
    else if (against.missing > 0)
      verdict.error = std::to_string(against.missing) +
                      " accepted messages are missing from the chat file after close()";
    const uint64_t received = setup_.ledger().count_with(MessageLedger::kReceived);
    dropped_.add(sent_ > received ? sent_ - received : 0);
    if (verdict.error.empty()) {
      cpu_ns_ += episode_cpu_ns_;
      lines_ += verdict.items;
    }
  } catch (const std::exception& e) {  // the file is gone (check_and_remove)
    verdict.error = e.what();
  }
  return verdict;
}

EpisodePlan LogEpisodes::plan() {
  EpisodePlan plan;
  plan.judge = [this](const EpisodeResult&) { return judge(); };
  plan.after_warmup = [this] {
    latencies_.clear();
    dropped_.clear();
    cpu_ns_ = 0;
    lines_ = 0;
  };
  return plan;
}

}  // namespace contend::chatlog
