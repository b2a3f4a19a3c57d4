target_sources(connhost_sandbox PRIVATE ${CMAKE_CURRENT_LIST_DIR}/meta_api.cpp)
