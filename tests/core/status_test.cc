#include "core/status.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace lexwatch {
namespace {

TEST(Status, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(Status, MessageJoinsContextAndDetail) {
  Status s = Status::Unavailable("https://example.org/feed", "HTTP 503");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_EQ(s.message(), "https://example.org/feed: HTTP 503");
  EXPECT_EQ(s.ToString(), "Unavailable: https://example.org/feed: HTTP 503");
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  Result<int> bad = Status::NotFound("item");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
}

}  // namespace
}  // namespace lexwatch
