// AllQueueKinds (queue_list.h) as GoogleTest type lists, whole or filtered
// by what the traits and the adapter offer, so that typed tests run once
// per queue they apply to, with no list of their own.
#pragma once

#include <gtest/gtest.h>

#include <type_traits>

#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"

namespace contend {

template <class List>
struct GtestTypes;
template <class... Kinds>
struct GtestTypes<QueueKindList<Kinds...>> {
  using type = ::testing::Types<Kinds...>;
};

// The kinds of List for which Keep<Kind>::value holds, in list order.
template <template <class> class Keep, class List>
struct FilterKinds {
  using type = QueueKindList<>;
};
template <template <class> class Keep, class First, class... Rest>
struct FilterKinds<Keep, QueueKindList<First, Rest...>> {
  template <class Tail>
  struct Prepend;
  template <class... Tail>
  struct Prepend<QueueKindList<Tail...>> {
    using type = QueueKindList<First, Tail...>;
  };
  using rest = typename FilterKinds<Keep, QueueKindList<Rest...>>::type;
  using type = std::conditional_t<Keep<First>::value, typename Prepend<rest>::type, rest>;
};

template <class Kind>
struct CanBlock : std::bool_constant<Kind::traits.blocking> {};
template <class Kind>
struct HasTimedPop
    : std::bool_constant<TimedQueueAdapter<typename Kind::template queue<QueueItem<8>>>> {};

using AllQueueTypes = GtestTypes<AllQueueKinds>::type;
using BlockingQueueTypes = GtestTypes<FilterKinds<CanBlock, AllQueueKinds>::type>::type;
using TimedQueueTypes = GtestTypes<FilterKinds<HasTimedPop, AllQueueKinds>::type>::type;

}  // namespace contend
