#include <gtest/gtest.h>

TEST(ContactsPlaceholder, profile_sync_test) {
  SUCCEED();
}
