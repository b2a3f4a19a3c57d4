#pragma once

// The SDK's skeleton project (sdk/skeleton/), embedded at build time by CMake.

#include <span>
#include <string_view>

namespace connhost::sdkgen {

struct SkeletonFile {
  std::string_view path;  // relative to sdk/skeleton/
  std::string_view content;
};

std::span<const SkeletonFile> skeleton_files();

}  // namespace connhost::sdkgen
