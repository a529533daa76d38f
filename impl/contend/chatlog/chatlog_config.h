// ChatlogConfig: one chatlog scenario, as the plan names it and the
// episodes run it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "contend/chatlog/chat_log.h"
#include "contend/chatlog/durability.h"

namespace contend::chatlog {

struct ChatlogConfig {
  WriterDesign design = WriterDesign::kQueueWriter;
  Durability durability;
  int senders = 2;
  int receivers = 1;
  uint32_t per_sender = 1000;     // messages each sender sends per episode
  int rcvbuf_bytes = 256 * 1024;  // SO_RCVBUF asked for (udp_inbox.h)
  // How long after the senders finished an episode waits for missing
  // sentinels before it ends anyway (lost sentinels never hang it).
  std::chrono::milliseconds sentinel_wait{50};
  std::string scratch_dir = {};  // where the chat files live (and are deleted)
};

}  // namespace contend::chatlog
