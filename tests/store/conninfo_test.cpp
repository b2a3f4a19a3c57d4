#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/conninfo.hpp"

namespace connhost::store::detail {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StoreConninfoTest, SummaryNamesTheServerButNotThePassword) {
  auto view =
      inspect_conninfo("host=db.example port=6543 dbname=ads user=etl password=Hunter2Secret");
  EXPECT_TRUE(view.parse_error.empty());
  EXPECT_EQ(view.summary, "host=db.example, port=6543, dbname=ads, user=etl");
  EXPECT_THAT(view.secrets, ::testing::Contains("Hunter2Secret"));
}

TEST(StoreConninfoTest, UnsetKeywordsShowAsDefault) {
  auto view = inspect_conninfo("dbname=ads");
  EXPECT_EQ(view.summary, "host=(default), port=(default), dbname=ads, user=(default)");
  EXPECT_TRUE(view.secrets.empty());
}

TEST(StoreConninfoTest, UriPasswordIsASecret) {
  auto view = inspect_conninfo("postgresql://etl:p%40ssWord99@db.example:6543/ads?sslmode=disable");
  EXPECT_TRUE(view.parse_error.empty()) << view.parse_error;
  EXPECT_EQ(view.summary, "host=db.example, port=6543, dbname=ads, user=etl");
  EXPECT_THAT(view.secrets, ::testing::Contains("p@ssWord99"));
  EXPECT_THAT(view.secrets, ::testing::Contains("p%40ssWord99"));
}

TEST(StoreConninfoTest, QuotedPasswordIsASecretWithAndWithoutQuotes) {
  auto view = inspect_conninfo(R"(host=h password='two words\'quote' dbname=d)");
  EXPECT_TRUE(view.parse_error.empty()) << view.parse_error;
  EXPECT_THAT(view.secrets, ::testing::Contains("two words'quote"));
  EXPECT_EQ(redact("x two words'quote y", view.secrets), "x **** y");
}

TEST(StoreConninfoTest, UnparsableStringStillHidesThePassword) {
  for (const char* bad :
       {"host=h password=Hunter2Secret nonsense", "host=h password Hunter2Secret",
        "host=h password='Hunter2Secret", "host=h bogus=1 password=Hunter2Secret"}) {
    auto view = inspect_conninfo(bad);
    EXPECT_FALSE(view.parse_error.empty()) << bad;
    EXPECT_THAT(view.parse_error, Not(HasSubstr("Hunter2Secret"))) << bad;
    EXPECT_THAT(view.summary, Not(HasSubstr("Hunter2Secret"))) << bad;
  }
}

TEST(StoreConninfoTest, RedactMasksAssignmentsAndUriPasswordsEvenWhenUnknown) {
  EXPECT_EQ(redact("failed for host=h password=abc123 port=1", {}),
            "failed for host=h password=**** port=1");
  EXPECT_EQ(redact("bad uri postgresql://u:abc123@h/db", {}), "bad uri postgresql://u:****@h/db");
  // Prose about passwords stays readable.
  EXPECT_EQ(redact("password authentication failed for user \"u\"", {}),
            "password authentication failed for user \"u\"");
}

}  // namespace
}  // namespace connhost::store::detail
