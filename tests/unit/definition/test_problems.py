"""How a problem names where it is: a key path, a line and column, or a logical id."""

from __future__ import annotations

from definition.problems import Origin, Problem, pascal_case


def test_a_key_path_follows_the_file() -> None:
    problem = Problem("/api/appsync.yaml", "resolvers[2].dataSourceName", "no data source")
    assert str(problem) == "/api/appsync.yaml: resolvers[2].dataSourceName: no data source"


def test_a_problem_of_the_whole_file_names_only_the_file() -> None:
    assert str(Problem("/api/appsync.yaml", "", "cannot read")) == "/api/appsync.yaml: cannot read"


def test_a_line_and_column_are_written_as_compilers_do() -> None:
    problem = Problem("/api/schema.graphql", "", "Unknown type 'Nope'.", line=3, column=11)
    assert str(problem) == "/api/schema.graphql:3:11: Unknown type 'Nope'."
    assert str(Problem("/api/a.vtl", "", "bad", line=2)) == "/api/a.vtl:2: bad"


def test_a_logical_id_leads_its_property_path() -> None:
    problem = Problem(
        "template.yaml", "Properties.DataSourceName", "no data source", logical_id="GetPost"
    )
    assert str(problem) == "template.yaml: GetPost.Properties.DataSourceName: no data source"
    assert str(Problem("template.yaml", "", "not emulated", logical_id="Queue")) == (
        "template.yaml: Queue: not emulated"
    )


def test_an_origin_places_a_model_key_path_in_its_template() -> None:
    origin = Origin("template.yaml", "GetPost", "Properties")
    problem = origin.problem(".dynamodbConfig.tableName", "not declared")
    assert (
        str(problem) == "template.yaml: GetPost.Properties.DynamodbConfig.TableName: not declared"
    )
    assert origin.problem("", "bad").key_path == "Properties"
    assert pascal_case("tables[0].seed") == "Tables[0].Seed"
