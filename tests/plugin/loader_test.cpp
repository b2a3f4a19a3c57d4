// Every refusal of the plugin loader, each with a real broken library built by this test tree,
// while the good plugins stay loaded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "plugin/registry.hpp"

using connhost::plugin::HostAbi;
using connhost::plugin::Registry;
using ::testing::HasSubstr;

namespace {

const std::filesystem::path kBroken = BROKEN_PLUGIN_DIR;
const std::filesystem::path kFirstParty = CONNHOST_BUILD_PLUGIN_DIR;

// "major.minor" as the loader writes it; the host's own version follows abi.h.
std::string abi(int major, int minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}
const std::string kAbi = abi(CONNHOST_ABI_MAJOR, CONNHOST_ABI_MINOR);

std::string refusal_for(const Registry& r, const std::string& file) {
  for (const auto& x : r.refused())
    if (x.path.filename() == file) return x.reason;
  return "(not refused)";
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
    registry.load_directories({kFirstParty});
    // meta, google, tiktok and http.
    ASSERT_EQ(registry.plugins().size(), 4u);
    ASSERT_TRUE(registry.refused().empty()) << registry.refused()[0].reason;
  }
  std::string refuse(const std::string& file) {
    EXPECT_EQ(registry.load_file(kBroken / file), nullptr) << file << " was accepted";
    EXPECT_EQ(registry.plugins().size(), 4u) << "a good plugin was lost";
    return refusal_for(registry, file);
  }
  Registry registry;
};

TEST_F(LoaderTest, FirstPartyPluginsLoadWithTheirCapabilities) {
  const auto* meta = registry.find("meta");
  const auto* google = registry.find("google");
  const auto* tiktok = registry.find("tiktok");
  ASSERT_TRUE(meta && google && tiktok);
  EXPECT_EQ(tiktok->capabilities,
            CH_CAP_REPORTING | CH_CAP_LOGIN | CH_CAP_MESSAGING | CH_CAP_PROFILE);
  EXPECT_EQ(google->capabilities & CH_CAP_MESSAGING, 0u) << "Google Business Messages is shut down";
  EXPECT_EQ(meta->platform(), "meta");
  EXPECT_EQ(meta->abi_version(), kAbi);
  const auto* secret = tiktok->find_field("app_secret");
  ASSERT_NE(secret, nullptr);
  EXPECT_TRUE(secret->flags & CH_CONFIG_SECRET);
}

TEST_F(LoaderTest, RefusesAFileThatIsNotASharedLibrary) {
  EXPECT_THAT(refuse("broken_not_a_library.so"), HasSubstr("not a loadable shared library"));
}

TEST_F(LoaderTest, RefusesALibraryWithUnresolvedSymbols) {
  EXPECT_THAT(refuse("broken_unresolved_symbol.so"), HasSubstr("connhost_no_such_function"));
}

TEST_F(LoaderTest, RefusesALibraryWithoutEntrySymbol) {
  EXPECT_THAT(refuse("broken_no_entry.so"), HasSubstr("no entry symbol 'connhost_plugin_entry'"));
}

TEST_F(LoaderTest, RefusesAnotherAbiMajor) {
  EXPECT_THAT(refuse("broken_abi_major.so"),
              HasSubstr("ABI major mismatch: plugin wants " + abi(2, CONNHOST_ABI_MINOR) +
                        ", host offers " + kAbi));
}

TEST_F(LoaderTest, RefusesAMinorNewerThanTheHost) {
  EXPECT_THAT(refuse("broken_abi_minor.so"),
              HasSubstr("ABI minor newer than the host: plugin wants " +
                        abi(1, CONNHOST_ABI_MINOR + 1) + ", host offers " + kAbi));
}

TEST_F(LoaderTest, RefusesStructSizesOutOfRange) {
  EXPECT_THAT(refuse("broken_struct_small.so"), HasSubstr("descriptor struct size 8 out of range"));
  EXPECT_THAT(refuse("broken_struct_huge.so"),
              HasSubstr("descriptor struct size 1048576 out of range"));
}

TEST_F(LoaderTest, RefusesInvalidDescriptors) {
  EXPECT_THAT(refuse("broken_missing_id.so"),
              HasSubstr("invalid descriptor: descriptor has no id"));
  EXPECT_THAT(refuse("broken_schema_type.so"),
              HasSubstr("config schema field 'base_url': unknown type 99"));
  EXPECT_THAT(refuse("broken_schema_duplicate.so"),
              HasSubstr("config schema field 'base_url': key declared twice"));
  EXPECT_THAT(refuse("broken_schema_secret_default.so"),
              HasSubstr("a secret cannot have a default"));
  EXPECT_THAT(refuse("broken_unavailable_no_reason.so"),
              HasSubstr("unavailable capability messaging gives no reason"));
  EXPECT_THAT(refuse("broken_unavailable_two_bits.so"),
              HasSubstr("unavailable capability 0 is not one CH_CAP_* bit"));
}

TEST_F(LoaderTest, RefusesADuplicateIdNamingBothFiles) {
  std::string reason = refuse("broken_duplicate_id.so");
  EXPECT_THAT(reason, HasSubstr("duplicate plugin id 'meta'"));
  EXPECT_THAT(reason, HasSubstr((kFirstParty / "connhost_meta.so").string()));
  EXPECT_EQ(registry.find("meta")->path, kFirstParty / "connhost_meta.so");
}

TEST_F(LoaderTest, RefusesAnEntryPointThatThrows) {
  EXPECT_THAT(refuse("broken_entry_throws.so"),
              HasSubstr("entry point threw an exception: database of licenses unreachable"));
}

TEST_F(LoaderTest, RefusesAnEntryPointThatReturnsAnError) {
  EXPECT_THAT(refuse("broken_entry_error.so"),
              HasSubstr("entry point returned an error: license file missing"));
}

TEST_F(LoaderTest, AWholeFolderOfBrokenPluginsLeavesTheGoodOnesRunning) {
  registry.load_directories({kBroken});
  EXPECT_EQ(registry.plugins().size(), 4u);
  EXPECT_EQ(registry.refused().size(), 16u);
  for (const auto& r : registry.refused()) EXPECT_FALSE(r.reason.empty()) << r.path;
}

TEST_F(LoaderTest, RefusalsAreLoggedWithFileAndReason) {
  connhost::log::init(connhost::log::Level::info, connhost::log::Format::text);
  auto capture = connhost::log::capture();
  capture.clear();
  registry.load_file(kBroken / "broken_abi_major.so");
  EXPECT_THAT(capture.text(),
              HasSubstr("plugin refused: " + (kBroken / "broken_abi_major.so").string() +
                        ": ABI major mismatch"));
}

TEST(AbiCompatibility, PluginsBuiltAgainstAnOlderMinorLoadIntoANewerHost) {
  connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
  Registry newer_host(HostAbi{CONNHOST_ABI_MAJOR, CONNHOST_ABI_MINOR + 3});
  newer_host.load_directories({kFirstParty});
  EXPECT_EQ(newer_host.plugins().size(), 4u);
  EXPECT_TRUE(newer_host.refused().empty());
}

TEST(AbiCompatibility, ANewerHostMajorRefusesTodaysPlugins) {
  connhost::log::init(connhost::log::Level::off, connhost::log::Format::text);
  Registry next_major(HostAbi{CONNHOST_ABI_MAJOR + 1, 0});
  next_major.load_directories({kFirstParty});
  EXPECT_TRUE(next_major.plugins().empty());
  ASSERT_EQ(next_major.refused().size(), 4u);
  EXPECT_THAT(next_major.refused()[0].reason,
              HasSubstr("ABI major mismatch: plugin wants " + kAbi));
}

TEST(AbiCompatibility, MissingFolderIsSkipped) {
  Registry r;
  r.load_directories({"/nonexistent/connhost/plugins"});
  EXPECT_TRUE(r.plugins().empty());
  EXPECT_TRUE(r.refused().empty());
}

}  // namespace
