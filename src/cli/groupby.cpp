// `rankwise groupby CSV --by COL --agg COL:mean[,COL:sum...]`.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "rankwise/frame/dataframe.hpp"

namespace rankwise::cli {

void add_groupby_command(CLI::App& app, Context& context) {
  struct Options {
    std::string source;
    std::vector<std::string> by, aggs;
  };
  static Options o;
  auto* cmd = app.add_subcommand("groupby", "Grouped aggregation of CSV files");
  cmd->add_option("source", o.source, "CSV file or glob")->required();
  cmd->add_option("--by", o.by, "Key column(s)")->required()->delimiter(',');
  cmd->add_option("--agg", o.aggs, "COLUMN:FUNCTION, FUNCTION in sum mean count min max std var size")->required()->delimiter(',');
  cmd->callback([&context] {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& a : o.aggs) {
      const auto colon = a.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == a.size())
        throw ValueError(fmt::format("--agg expects COLUMN:FUNCTION, got '{}'", a));
      pairs.emplace_back(a.substr(0, colon), a.substr(colon + 1));
    }
    const Table t = read_csv(o.source).groupby(o.by).agg(pairs).compute();
    if (context.json) context.out() << table_json(t).dump(2) << "\n";
    else context.out() << t;
  });
}

}  // namespace rankwise::cli
