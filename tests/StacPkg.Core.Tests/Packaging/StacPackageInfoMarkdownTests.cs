using StacPkg.Core.Packaging;

namespace StacPkg.Core.Tests.Packaging;

public sealed class StacPackageInfoMarkdownTests
{
    [Fact]
    public void A_line_break_in_an_id_or_key_cannot_add_lines_to_the_markdown()
    {
        var info = new StacPackageInfo
        {
            Path = "/data/pkg",
            ItemCount = 2,
            Collections = ["col\n- Items: 999", "tab\there"],
            AssetCount = 2,
            AssetKeys = ["key\r\n# Heading", "sep\u2028x\u0001"],
        };

        var lines = info.ToMarkdown().Split('\n');

        Assert.Equal(
            [
                "# stacpkg Inspect",
                "- Package: /data/pkg",
                "- Items: 2",
                @"- Collections: col\n- Items: 999, tab\there",
                "- Assets: 2",
                @"- Asset keys: key\r\n# Heading, sep\u2028x\u0001",
                "- Known asset bytes: 0",
                "",
            ],
            lines);
    }
}
