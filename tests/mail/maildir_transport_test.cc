#include "mail/maildir_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "mail/temp_dir.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;
using namespace ::lexwatch::mail::testing;

constexpr char kMessage[] = "Subject: test\r\n\r\nHei\r\n";

TEST(MaildirTransport, DeliversIntoNewWithEmptyTmp) {
  TempDir dir;
  MaildirTransport transport(dir.path());
  Result<std::string> reply =
      transport.Send("lw@oslo.kommune.no", "eu@pbe.oslo.kommune.no", kMessage);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  std::filesystem::path maildir = dir.path() / "eu@pbe.oslo.kommune.no";
  std::vector<std::filesystem::path> files = ListFiles(maildir / "new");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(ReadFile(files[0]), kMessage);
  EXPECT_EQ(*reply, "delivered to " + files[0].string());
  EXPECT_TRUE(ListFiles(maildir / "tmp").empty());
  EXPECT_TRUE(std::filesystem::is_directory(maildir / "cur"));
}

TEST(MaildirTransport, GivesEveryMessageItsOwnFile) {
  TempDir dir;
  MaildirTransport transport(dir.path());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(transport.Send("lw@oslo.kommune.no", "a@b.no", kMessage).ok());
  }
  EXPECT_EQ(ListFiles(dir.path() / "a@b.no" / "new").size(), 3u);
}

TEST(MaildirTransport, RejectsRecipientThatWouldLeaveTheRoot) {
  TempDir dir;
  MaildirTransport transport(dir.path() / "root");
  Result<std::string> reply =
      transport.Send("lw@oslo.kommune.no", "../../etc@x.no", kMessage);
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsPermanent());
  EXPECT_EQ(reply.status().message(),
            "invalid address \"../../etc@x.no\": empty label in local part");
  Result<std::string> slash =
      transport.Send("lw@oslo.kommune.no", "a/b@x.no", kMessage);
  ASSERT_FALSE(slash.ok());
  EXPECT_EQ(slash.status().message(),
            "recipient \"a/b@x.no\": '/' not allowed in a Maildir name");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "root"));
}

TEST(MaildirTransport, UnwritableRootIsUnavailableNamingThePath) {
  TempDir dir;
  std::filesystem::path blocker = dir.path() / "file";
  std::ofstream(blocker) << "not a directory";
  MaildirTransport transport(blocker);
  Result<std::string> reply =
      transport.Send("lw@oslo.kommune.no", "a@b.no", kMessage);
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.status().IsUnavailable());
  EXPECT_THAT(reply.status().message(),
              HasSubstr((blocker / "a@b.no" / "tmp").string() + ": "));
}

}  // namespace
}  // namespace lexwatch::mail
