// CrashEpisodes: the chatlog `crash` benchmark: SIGKILL the logging process
// mid-episode, then count what the file lacks.
//
// One episode: the parent binds the inbox, then forks the logging process
// (fork_child: it dies with the parent too) and waits until it is ready
// (bounded: kChildStart), which opens the chat file and
// runs the design's ChatLog and the receivers, marking each message in a
// shared MessageLedger: kReceived, kAccepted (hand-off returned), kAcked
// (written, and fsynced where the policy says: log_file.h). The parent
// sends; once half of all messages were accepted (or the senders finished
// and kKillGrace passed) it SIGKILLs the child and reaps it, then reads the
// file (chat_file_check.h) and counts, over the messages:
//   acked_missing  acknowledged by the writer, not in the file;
//   lost           accepted by a receiver (the receiver had moved on),
//                  not in the file: what sat in user space, in the queue
//                  or in spdlog's queue, when the process died.
// A torn line, a duplicate, a reorder or a phantom is the episode's error,
// except a torn last line: SIGKILL can cut a write short, and a cut-off
// tail is what a crashed log looks like (chat_file_check.h); it is counted
// (torn_tail_share) and its message is not in the file.
// No `dropped` here: datagrams sent after the kill have no receiver, so
// sent - received would not be the kernel's drops.
//
// What SIGKILL can show, and what it cannot. The page cache belongs to the
// kernel and survives the death of the process, so a line whose write()
// returned is in the file whether or not it was fsynced: acked_missing is 0
// for every design and every policy unless the writer acknowledges before
// writing (none here does), and fsync makes no difference to it. What fsync
// protects against, a power loss or a kernel crash, cannot be produced by a
// test. SIGKILL does show user-space buffering: direct_write loses nothing
// it accepted, the queue designs lose their queue, and the policies change
// how long that queue is (a slower writer, a longer queue).
// Makespan: start of sending to the kill. Items: the lines in the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "contend/chatlog/chatlog_config.h"
#include "contend/chatlog/episode_setup.h"
#include "contend/harness/episode_runner.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend::chatlog {

struct CrashCount {
  uint64_t in_file = 0;
  uint64_t accepted = 0;
  uint64_t acked = 0;
  uint64_t lost = 0;           // accepted, not in the file
  uint64_t acked_missing = 0;  // acked, not in the file
  bool torn_tail = false;      // the kill cut the last line (chat_file_check.h)
  std::string error;
};

class CrashEpisodes {
 public:
  // After the senders finished, how long the child still runs before the
  // kill when half the messages were never accepted (heavy loss).
  static constexpr std::chrono::milliseconds kKillGrace{20};
  // How long the logging process may take to start its threads.
  static constexpr std::chrono::seconds kChildStart{10};
  // A child nobody killed ends itself after this (it never should).
  static constexpr std::chrono::seconds kChildLifetime{30};

  CrashEpisodes(ChatlogConfig config, const Topology& topology, std::vector<Place> sender_places);

  // One episode (fork, send, kill, check), its counts, the file deleted.
  CrashCount crash_once(double* makespan_seconds = nullptr);

  EpisodeResult run_episode();
  EpisodePlan plan();
  double acked_missing_per_episode() const { return acked_missing_.mean(); }
  // Of the timed episodes, those with a torn tail.
  double torn_tail_share() const { return torn_tails_.mean(); }

 private:
  EpisodeSetup setup_;
  CrashCount last_;
  PerEpisodeMean acked_missing_;
  PerEpisodeMean torn_tails_;
};

}  // namespace contend::chatlog
