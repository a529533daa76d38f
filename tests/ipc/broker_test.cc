// Broker: FIFO per queue, a get that waits for its put, a put that waits
// for room, and a broker that dies or is slow is an error, never a hang —
// with the broker process reaped every time.
#include "contend/ipc/broker.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstring>
#include <future>
#include <vector>

#include "support/no_leftovers.h"

namespace contend {
namespace {

using namespace std::chrono_literals;
using BrokerTest = testing::NoLeftovers;

Broker::Options options(size_t capacity = 4, std::chrono::nanoseconds timeout = 60s) {
  return Broker::Options{2, capacity, sizeof(uint64_t), 3, timeout};
}

void put(Broker& broker, int client, int queue, uint64_t value) {
  broker.put(client, queue, {reinterpret_cast<const std::byte*>(&value), sizeof value});
}

uint64_t get(Broker& broker, int client, int queue) {
  uint64_t value = 0;
  broker.get(client, queue, {reinterpret_cast<std::byte*>(&value), sizeof value});
  return value;
}

TEST_F(BrokerTest, QueuesAreFifoAndIndependent) {
  Broker broker(options());
  put(broker, 0, 0, 1);
  put(broker, 1, 1, 100);
  put(broker, 0, 0, 2);
  put(broker, 2, 0, 3);
  EXPECT_EQ(get(broker, 1, 0), 1u);
  EXPECT_EQ(get(broker, 2, 1), 100u);
  EXPECT_EQ(get(broker, 0, 0), 2u);
  EXPECT_EQ(get(broker, 1, 0), 3u);
}

TEST_F(BrokerTest, AGetWaitsForThePutThatFeedsIt) {
  Broker broker(options());
  auto got = std::async(std::launch::async, [&] { return get(broker, 1, 0); });
  // Whenever the get reached the broker, only this put can answer it.
  put(broker, 0, 0, 42);
  EXPECT_EQ(got.get(), 42u);
}

TEST_F(BrokerTest, APutWaitsWhileTheQueueIsFull) {
  Broker broker(options(/*capacity=*/2));
  put(broker, 0, 0, 1);
  put(broker, 0, 0, 2);
  auto third = std::async(std::launch::async, [&] { put(broker, 1, 0, 3); });
  EXPECT_EQ(get(broker, 2, 0), 1u);  // makes room for the parked put
  third.get();
  EXPECT_EQ(get(broker, 2, 0), 2u);
  EXPECT_EQ(get(broker, 2, 0), 3u);
}

TEST_F(BrokerTest, ADeadBrokerIsAnErrorNotAHang) {
  Broker broker(options());
  ASSERT_EQ(kill(broker.pid(), SIGKILL), 0);
  try {
    get(broker, 0, 0);
    FAIL() << "a get from a dead broker returned";
  } catch (const ChannelError& e) {
    EXPECT_NE(std::string(e.what()).find("broker process is gone"), std::string::npos) << e.what();
  }
}

TEST_F(BrokerTest, AnUnansweredGetTimesOut) {
  Broker broker(options(4, 20ms));
  EXPECT_THROW(get(broker, 0, 0), ChannelError);
}

TEST_F(BrokerTest, WrongSizesAndClientsAreRejected) {
  Broker broker(options());
  std::vector<std::byte> big(9);
  EXPECT_THROW(broker.put(0, 0, big), ChannelError);
  EXPECT_THROW(broker.get(0, 0, big), ChannelError);
  EXPECT_THROW(put(broker, 3, 0, 1), ChannelError);  // only clients 0..2
  // The broker still serves well-formed requests.
  put(broker, 0, 0, 5);
  EXPECT_EQ(get(broker, 1, 0), 5u);
}

}  // namespace
}  // namespace contend
