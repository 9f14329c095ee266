#pragma once
/// Bytes in, bytes out: how values travel between ranks.
///
/// Trivially copyable values travel as their raw bytes; anything else goes through
/// Boost.Serialization (binary archives). Standard containers and strings work out of the box;
/// a user type needs a `serialize(Archive&, unsigned)` member, as Boost.Serialization expects.
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/stream.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/optional.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

namespace rankwise::runtime {

/// True for types that travel as raw bytes.
template <class T>
inline constexpr bool is_raw_transferable_v = std::is_trivially_copyable_v<T>;

/// Appends the bytes of `value` to `out`. Local.
template <class T>
void append_bytes(std::vector<char>& out, const T& value) {
  if constexpr (is_raw_transferable_v<T>) {
    // resize + memcpy rather than insert: GCC 12 misreads the latter (-Wstringop-overflow).
    const auto at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));
  } else {
    namespace io = boost::iostreams;
    io::stream<io::back_insert_device<std::vector<char>>> stream(out);
    {
      boost::archive::binary_oarchive archive(stream, boost::archive::no_header);
      archive << value;
    }
    stream.flush();
  }
}

/// Returns the bytes of `value`. Local.
template <class T>
std::vector<char> to_bytes(const T& value) {
  std::vector<char> out;
  append_bytes(out, value);
  return out;
}

/// Rebuilds a value from the bytes made by to_bytes. Local.
template <class T>
T from_bytes(std::span<const char> bytes) {
  if constexpr (is_raw_transferable_v<T>) {
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  } else {
    namespace io = boost::iostreams;
    io::stream<io::array_source> stream(bytes.data(), bytes.size());
    boost::archive::binary_iarchive archive(stream, boost::archive::no_header);
    T value{};
    archive >> value;
    return value;
  }
}

}  // namespace rankwise::runtime
