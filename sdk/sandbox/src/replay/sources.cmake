# Replay of recorded exchanges (docs/replay.md).
target_sources(connhost_sandbox PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fixtures.cpp)
