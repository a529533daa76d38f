// Throughput and ping-pong episodes. See ipc_workload.h.
#include "contend/ipc/ipc_workload.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "contend/harness/clock.h"
#include "contend/ipc/message.h"

namespace contend {

namespace {


void check_shape(size_t message_bytes) {
  if (message_bytes < kMinMessageBytes)
    throw std::invalid_argument("IPC messages need at least " + std::to_string(kMinMessageBytes) +
                                " bytes for their stamp");
}

}  // namespace

ThroughputWorkload::ThroughputWorkload(Channel& channel, const ThroughputShape& shape)
    : channel_(channel),
      shape_(shape),
      ledger_(shape.producers, shape.per_producer, std::max(shape.consumers, 1)) {
  check_shape(shape.message_bytes);
  if (shape.producers < 1 || shape.consumers < 1 || shape.producers > 256)
    throw std::invalid_argument("throughput needs 1..256 producers and at least one consumer");
}

uint64_t ThroughputWorkload::run_worker(const WorkerContext& context) {
  if (context.index < shape_.producers) return produce(context.index, context.index);
  return consume(context.index);
}

uint64_t ThroughputWorkload::produce(int producer, int client) {
  std::vector<std::byte> message(shape_.message_bytes);
  const uint32_t episode = ledger_.episode();
  for (uint64_t seq = 0; seq < shape_.per_producer; ++seq) {
    write_message(message, {episode, static_cast<uint32_t>(producer), seq});
    channel_.send(client, message);
  }
  return shape_.per_producer;
}

uint64_t ThroughputWorkload::consume(int client) {
  std::vector<std::byte> message(shape_.message_bytes);
  // Each consumer records into its own part of the ledger.
  DeliveryLedger::Cursor cursor = ledger_.new_cursor(client - shape_.producers);
  uint64_t received = 0;
  // One consumer takes everything; several share the total by claiming.
  const bool alone = shape_.consumers == 1;
  while (alone ? received < ledger_.expected() : ledger_.claim(cursor)) {
    channel_.receive(client, message);
    ++received;
    // A wrong message is noted in the ledger; keep draining so that the
    // producers are not left blocked on a full channel.
    ledger_.record(message, cursor);
  }
  return received;
}

EpisodePlan ThroughputWorkload::plan() {
  EpisodePlan plan;
  plan.prepare = [this] { ledger_.begin_episode(); };
  plan.judge = [this](const EpisodeResult&) {
    const uint64_t got = ledger_.received();
    return EpisodeVerdict{ledger_.expected(), static_cast<double>(ledger_.expected() - got),
                          ledger_.verdict()};
  };
  return plan;
}

PingPongWorkload::PingPongWorkload(Channel& ping, Channel& pong, uint64_t round_trips,
                                   size_t message_bytes)
    : ping_(ping),
      pong_(pong),
      round_trips_(round_trips),
      message_bytes_(message_bytes),
      ledger_(1, round_trips) {
  check_shape(message_bytes);
}

uint64_t PingPongWorkload::run_worker(const WorkerContext& context) {
  if (context.index == 0) return serve(context.index);
  if (context.index == 1) return echo(context.index);
  return 0;
}

uint64_t PingPongWorkload::serve(int client) {
  std::vector<std::byte> sent(message_bytes_), back(message_bytes_);
  const uint32_t episode = ledger_.episode();
  for (uint64_t i = 0; i < round_trips_; ++i) {
    write_message(sent, {episode, 0, i});
    const int64_t start = monotonic_ns();
    ping_.send(client, sent);
    pong_.receive(client, back);
    episode_latencies_.record(monotonic_ns() - start);
    if (std::memcmp(sent.data(), back.data(), message_bytes_) != 0)
      ledger_.note_error("round trip " + std::to_string(i) + ": the echo differs from the ping");
  }
  return round_trips_;
}

uint64_t PingPongWorkload::echo(int client) {
  std::vector<std::byte> message(message_bytes_);
  DeliveryLedger::Cursor cursor = ledger_.new_cursor();
  for (uint64_t i = 0; i < round_trips_; ++i) {
    ping_.receive(client, message);
    ledger_.record(message, cursor);
    pong_.send(client, message);
  }
  return round_trips_;
}

EpisodePlan PingPongWorkload::plan() {
  EpisodePlan plan;
  plan.prepare = [this] {
    ledger_.begin_episode();
    episode_latencies_.clear();
  };
  plan.after_warmup = [this] { latencies_.clear(); };
  plan.judge = [this](const EpisodeResult&) {
    const uint64_t got = ledger_.received();
    EpisodeVerdict verdict{round_trips_, static_cast<double>(round_trips_ - got),
                           ledger_.verdict()};
    if (verdict.error.empty()) latencies_.merge(episode_latencies_);
    return verdict;
  };
  return plan;
}

}  // namespace contend
