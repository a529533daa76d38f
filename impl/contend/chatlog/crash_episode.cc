// The crash benchmark's episodes. See crash_episode.h.
#include "contend/chatlog/crash_episode.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <exception>
#include <stdexcept>
#include <thread>
#include <utility>

#include "contend/chatlog/chat_file_check.h"
#include "contend/chatlog/chat_receivers.h"
#include "contend/chatlog/chat_senders.h"
#include "contend/chatlog/log_file.h"
#include "contend/chatlog/udp_inbox.h"
#include "contend/harness/child_process.h"
#include "contend/harness/clock.h"
#include "contend/harness/shared_memory.h"

namespace contend::chatlog {

namespace {

// The logging process: runs until it is killed (or, never expected, until
// kChildLifetime passed).
int logging_process(const ChatlogConfig& config, const UdpInbox& inbox, MessageLedger& ledger,
                    const std::string& path, std::atomic<bool>& ready) {
  LogFile file(path, config.durability, &ledger);
  auto log = make_chat_log(config.design, file);
  ChatReceivers receivers(inbox, *log, ledger);
  ready.store(true, std::memory_order_release);  // pairs with crash_once's acquire
  std::this_thread::sleep_for(CrashEpisodes::kChildLifetime);
  return 3;
}

}  // namespace

CrashEpisodes::CrashEpisodes(ChatlogConfig config, const Topology& topology,
                             std::vector<Place> sender_places)
    : setup_(std::move(config), topology, std::move(sender_places)) {}

CrashCount CrashEpisodes::crash_once(double* makespan_seconds) {
  CrashCount count;
  const ChatlogConfig& config = setup_.config();
  MessageLedger& ledger = setup_.ledger();
  ledger.clear();
  const std::string path = setup_.new_file_path();
  const uint64_t total = setup_.total_messages();
  // The file exists before the child does: a kill before the child opened
  // it reads as an empty file, not as an unreadable one.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "create " + path);
  ::close(fd);
  {
    UdpInbox inbox(config.receivers, config.rcvbuf_bytes);
    Shared<std::atomic<bool>> ready(false);
    const pid_t child =
        fork_child([&] { return logging_process(config, inbox, ledger, path, *ready); });
    // Forked before any thread of this episode exists, so the child copies
    // a one-threaded parent. The senders start once its writer and
    // receivers run: a child still starting when the kill comes would
    // measure nothing.
    const auto ready_deadline = std::chrono::steady_clock::now() + kChildStart;
    while (!ready->load(std::memory_order_acquire)) {
      if (const auto status = try_reap_child(child))
        throw std::runtime_error("the logging process " + describe_wait_status(*status) +
                                 " before it was ready");
      if (std::chrono::steady_clock::now() >= ready_deadline) {
        kill_child(child);
        throw std::runtime_error("the logging process did not start within 10 s");
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const int64_t start_ns = monotonic_ns();
    SendTally tally;
    std::exception_ptr send_error;
    std::atomic<bool> senders_done{false};  // release/acquire: tally is written before
    std::thread senders([&] {
      try {
        tally = setup_.send(inbox.port());
      } catch (...) {
        send_error = std::current_exception();
      }
      senders_done.store(true, std::memory_order_release);
    });
    int64_t done_ns = 0;
    for (;;) {
      if (ledger.count_with(MessageLedger::kAccepted) * 2 >= total) break;
      if (senders_done.load(std::memory_order_acquire)) {
        if (done_ns == 0) done_ns = monotonic_ns();
        if (monotonic_ns() - done_ns >= std::chrono::nanoseconds(kKillGrace).count()) break;
      }
      if (try_reap_child(child)) {
        count.error = "the logging process ended before it was killed";
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    kill_child(child);  // SIGKILL and reap: every ledger mark is now final
    const int64_t killed_ns = monotonic_ns();
    senders.join();
    if (send_error) std::rethrow_exception(send_error);
    if (makespan_seconds) *makespan_seconds = double(killed_ns - start_ns) / 1e9;
    (void)tally;  // sent after the kill is not dropped by the kernel: no `dropped` here
  }
  try {
    const auto [file, against] = setup_.check_and_remove(path, TornTail::kAllowed);
    count.in_file = file.lines;
    count.accepted = ledger.count_with(MessageLedger::kAccepted);
    count.acked = ledger.count_with(MessageLedger::kAcked);
    count.lost = against.missing;
    count.torn_tail = file.torn_tail;
    count.acked_missing = against.acked_missing;
    if (count.error.empty()) count.error = !file.error.empty() ? file.error : against.error;
  } catch (const std::exception& e) {  // the file is gone (check_and_remove)
    if (count.error.empty()) count.error = e.what();
  }
  return count;
}

EpisodeResult CrashEpisodes::run_episode() {
  EpisodeResult result;
  try {
    last_ = crash_once(&result.makespan_seconds);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

EpisodePlan CrashEpisodes::plan() {
  EpisodePlan plan;
  plan.judge = [this](const EpisodeResult&) {
    EpisodeVerdict verdict;
    verdict.items = last_.in_file;
    verdict.lost = double(last_.lost);
    verdict.error = last_.error;
    acked_missing_.add(last_.acked_missing);
    torn_tails_.add(last_.torn_tail ? 1 : 0);
    return verdict;
  };
  plan.after_warmup = [this] {
    acked_missing_.clear();
    torn_tails_.clear();
  };
  return plan;
}

}  // namespace contend::chatlog
