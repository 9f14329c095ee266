# Dependencies used only inside src/ (never reached from an installed header).
find_package(CLI11 QUIET CONFIG)
_rankwise_require(CLI11_FOUND "libcli11-dev" "CLI11")
find_package(nlohmann_json QUIET CONFIG)
_rankwise_require(nlohmann_json_FOUND "nlohmann-json3-dev" "nlohmann-json")
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
_rankwise_require(RANDOM123_INCLUDE_DIR "librandom123-dev" "Random123")
find_path(FAST_FLOAT_INCLUDE_DIR fast_float/fast_float.h)
_rankwise_require(FAST_FLOAT_INCLUDE_DIR "libfast-float-dev" "fast_float")
