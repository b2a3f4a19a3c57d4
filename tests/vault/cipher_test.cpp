// AES-256-GCM sealing: round trips, and every kind of alteration refused without plaintext.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vault/cipher.hpp"

namespace connhost::vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kAd = "grant:7:access_token";
const std::string kPlain = "tok-cipher-plaintext-0001";

// The sealed value with one byte of its decoded form flipped.
std::string flipped(const std::string& sealed, size_t index) {
  std::string raw;
  EXPECT_TRUE(base64_decode(sealed, raw));
  raw.at(index) ^= 0x01;
  return base64_encode(raw);
}

class VaultCipherTest : public ::testing::Test {
 protected:
  KeyBytes key = KeyBytes::random();
  std::string sealed = seal("k1", key, kPlain, kAd);
  // Offsets into the decoded form: version, id length, "k1", nonce, ciphertext, tag.
  size_t nonce_at = 2 + 2, ct_at = nonce_at + kNonceBytes;
};

TEST_F(VaultCipherTest, RoundTrip) {
  EXPECT_EQ(unseal("k1", key, sealed, kAd).reveal(), kPlain);
  EXPECT_EQ(sealed_key_id(sealed), "k1");
  EXPECT_THAT(sealed, Not(HasSubstr(kPlain)));
}

TEST_F(VaultCipherTest, EmptyAndLongPlaintextsRoundTrip) {
  EXPECT_EQ(unseal("k1", key, seal("k1", key, "", kAd), kAd).reveal(), "");
  std::string big(100000, 'x');
  EXPECT_EQ(unseal("k1", key, seal("k1", key, big, kAd), kAd).reveal(), big);
}

TEST_F(VaultCipherTest, SealedValueIsTextWithTheDocumentedLayout) {
  std::string raw;
  ASSERT_TRUE(base64_decode(sealed, raw));
  EXPECT_EQ(static_cast<uint8_t>(raw[0]), kSealVersion);
  EXPECT_EQ(raw[1], 2);
  EXPECT_EQ(raw.substr(2, 2), "k1");
  EXPECT_EQ(raw.size(), 2 + 2 + kNonceBytes + kPlain.size() + kTagBytes);
}

TEST_F(VaultCipherTest, NoncesDifferBetweenTwoSealsOfTheSamePlaintext) {
  std::string again = seal("k1", key, kPlain, kAd);
  EXPECT_NE(again, sealed);
  std::string a, b;
  ASSERT_TRUE(base64_decode(sealed, a));
  ASSERT_TRUE(base64_decode(again, b));
  EXPECT_NE(a.substr(nonce_at, kNonceBytes), b.substr(nonce_at, kNonceBytes));
}

TEST_F(VaultCipherTest, TamperingAnyPartFails) {
  std::string raw;
  ASSERT_TRUE(base64_decode(sealed, raw));
  struct Case {
    const char* what;
    size_t index;
  };
  for (Case c : {Case{"nonce", nonce_at}, Case{"ciphertext", ct_at},
                 Case{"ciphertext end", ct_at + kPlain.size() - 1}, Case{"tag", raw.size() - 1},
                 Case{"tag start", raw.size() - kTagBytes}, Case{"key id", 3}}) {
    try {
      auto t = unseal("k1", key, flipped(sealed, c.index), kAd);
      ADD_FAILURE() << c.what << ": tampered value decrypted";
    } catch (const VaultError& e) {
      EXPECT_THAT(e.what(), Not(HasSubstr(kPlain))) << c.what;
    }
  }
  EXPECT_THROW(unseal("k1", key, flipped(sealed, 0), kAd), VaultError) << "version";
  EXPECT_THROW(unseal("k1", key, sealed.substr(0, sealed.size() - 4), kAd), VaultError);
  EXPECT_THROW(unseal("k1", key, "not base64!", kAd), VaultError);
  EXPECT_THROW(unseal("k1", key, "", kAd), VaultError);
}

TEST_F(VaultCipherTest, WrongAssociatedDataFails) {
  EXPECT_THROW(unseal("k1", key, sealed, "grant:8:access_token"), VaultError);
  EXPECT_THROW(unseal("k1", key, sealed, "grant:7:refresh_token"), VaultError);
  EXPECT_THROW(unseal("k1", key, sealed, ""), VaultError);
}

TEST_F(VaultCipherTest, WrongKeyFailsWithAClearMessage) {
  KeyBytes other = KeyBytes::random();
  try {
    unseal("k1", other, sealed, kAd);
    FAIL() << "decrypted with another key";
  } catch (const VaultError& e) {
    EXPECT_THAT(e.what(), HasSubstr("decryption failed"));
    EXPECT_THAT(e.what(), Not(HasSubstr(kPlain)));
  }
  // The same bytes under another id: the id is authenticated too.
  EXPECT_THROW(unseal("k2", key, sealed, kAd), VaultError);
}

TEST(VaultBase64Test, StrictDecoding) {
  std::string out;
  EXPECT_TRUE(base64_decode(base64_encode("ab"), out));
  EXPECT_EQ(out, "ab");
  EXPECT_EQ(base64_encode("abc"), "YWJj");
  EXPECT_FALSE(base64_decode("YWJ", out));
  EXPECT_FALSE(base64_decode("YW=j", out));
  EXPECT_FALSE(base64_decode("YW j", out));
}

}  // namespace
}  // namespace connhost::vault
