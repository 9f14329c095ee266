// `rankwise describe SOURCE`: describe() of CSV files (a glob) or of an HDF5 dataset's columns.
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/frame/dataframe.hpp"

namespace rankwise::cli {

nlohmann::json table_json(const Table& t) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& name : t.columns()) {
    const Column& c = t.col(name);
    nlohmann::json values = nlohmann::json::array();
    for (std::int64_t i = 0; i < c.size(); ++i) {
      if (c.is_null(i)) values.push_back(nullptr);
      else if (c.dtype() == DType::float64) values.push_back(c.numbers()[static_cast<std::size_t>(i)]);
      else if (c.dtype() == DType::int64) values.push_back(c.integers()[static_cast<std::size_t>(i)]);
      else if (c.dtype() == DType::boolean) values.push_back(c.bytes()[static_cast<std::size_t>(i)] != 0);
      else values.push_back(c.format(i));
    }
    j[name] = values;
  }
  return j;
}

void add_describe_command(CLI::App& app, Context& context) {
  static std::string source;
  auto* cmd = app.add_subcommand("describe", "count, mean, std, min, quartiles and max of CSV files or an HDF5 dataset");
  cmd->add_option("source", source, "CSV file or glob ('data/*.csv'), or FILE.h5:/DATASET")->required();
  cmd->callback([&context] {
    const bool hdf5 = source.find(":/") != std::string::npos && source.find(".csv") == std::string::npos;
    const DataFrame frame = hdf5 ? from_array(read_matrix(parse_h5(source, "describe"), context.comm->size())) : read_csv(source);
    const Table t = frame.describe().compute();
    if (context.json) context.out() << table_json(t).dump(2) << "\n";
    else context.out() << t;
  });
}

}  // namespace rankwise::cli
