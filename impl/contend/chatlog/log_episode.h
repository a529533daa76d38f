// LogEpisodes: the chatlog `log` benchmark's episodes: the whole pipeline
// in this process, timed end to end, and its file checked afterwards.
//
// One episode: a fresh chat file in the scratch directory, a LogFile with
// the policy, the design's ChatLog, an inbox and its receivers; then
// the senders send (chat_senders.h), the episode waits for their sentinels
// (at most sentinel_wait after the senders finished), stops the receivers
// and closes the log (the writer drains and fsyncs). Then the check
// (chat_file_check.h): the file must hold every message a receiver
// accepted, exactly once, in per-sender order, no torn line, no phantom;
// anything else is the episode's error (an error row). The file is deleted.
//
// Makespan: from just before the senders start to the last hand-off (a
// slow receiver goes on draining its socket after the sentinel wait), plus
// the time close() took (the writer writing what is still queued). Idle
// time is left out: a lost sentinel's deadline and the receivers' final
// receive timeout are nobody's work. Items: the lines in the file.
// Per timed episode it adds up the datagrams lost in the kernel (sent -
// received, `dropped`) and records every hand-off latency.
//
// cpu_ns_per_item: the logging side's CPU time (user + system) per line in
// the file, over the judged timed episodes: this process's CPU clock from
// before the file is opened to after close(), less the senders' threads'
// own CPU (the load generator) and this thread's (it only waits), so the
// receivers, the design's writer threads (spdlog's pool too) and their
// system calls (the kernel's UDP receive path and the file writes, fsyncs
// included). The kernel's send path is charged to the senders.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "contend/chatlog/chatlog_config.h"
#include "contend/chatlog/episode_setup.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend::chatlog {

class LogEpisodes {
 public:
  LogEpisodes(ChatlogConfig config, const Topology& topology, std::vector<Place> sender_places);

  EpisodeResult run_episode();
  EpisodePlan plan();  // judge: the file check; after_warmup: forgets the warm-up's figures

  const LatencyHistogram& latencies() const { return latencies_; }
  double dropped_per_episode() const { return dropped_.mean(); }  // over judged timed episodes
  double granted_rcvbuf() const { return rcvbuf_granted_; }
  // 0 before a judged timed episode.
  double cpu_ns_per_item() const {
    return lines_ > 0 ? static_cast<double>(cpu_ns_) / static_cast<double>(lines_) : 0;
  }

 private:
  EpisodeVerdict judge();

  EpisodeSetup setup_;
  LatencyHistogram latencies_;
  // The last episode's outcome, for the judge.
  uint64_t sent_ = 0;
  std::string file_path_;
  std::string episode_error_;
  PerEpisodeMean dropped_;
  int rcvbuf_granted_ = 0;
  int64_t episode_cpu_ns_ = 0;  // the last episode's logging side
  int64_t cpu_ns_ = 0;          // over the judged timed episodes
  uint64_t lines_ = 0;
};

}  // namespace contend::chatlog
