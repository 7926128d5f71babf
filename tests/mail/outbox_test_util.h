#ifndef LEXWATCH_TESTS_MAIL_OUTBOX_TEST_UTIL_H_
#define LEXWATCH_TESTS_MAIL_OUTBOX_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "mail/message.h"
#include "store/store.h"

namespace lexwatch::mail::testing {

// An act queued for Vann- og avløpsetaten and the message rendered for it.
struct QueuedAlert {
  Item item;
  RenderedMessage rendered;
};

// Renders the alert about `celex` for one recipient, `to`, and saves it
// with its item in `store`, as the daemon's ingest does.
inline QueuedAlert QueueVavAlert(store::Store& store, TimePoint now,
                                 const std::string& celex,
                                 const std::string& title,
                                 const std::string& from,
                                 const std::string& to) {
  AlertInput input;
  input.item.source = "eurlex-oj-l";
  input.item.title = title;
  input.item.celex = celex;
  input.agency_id = "vav";
  input.agency_name = "Vann- og avløpsetaten";
  input.to = {to};
  input.from = from;
  input.date = now;
  input.message_id = MakeMessageId(input.item.Key(), "vav", "lw.test");
  RenderedMessage rendered = RenderAlert(input);
  store::NewAlert alert{
      "vav", {to}, rendered.message_id, rendered.bytes, "drikkevann"};
  Result<int> saved = store.SaveItem(input.item, {alert}, now);
  EXPECT_TRUE(saved.ok()) << saved.status().ToString();
  return {input.item, std::move(rendered)};
}

}  // namespace lexwatch::mail::testing

#endif  // LEXWATCH_TESTS_MAIL_OUTBOX_TEST_UTIL_H_
