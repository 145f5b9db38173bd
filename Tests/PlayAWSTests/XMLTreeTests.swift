import Foundation
import XCTest
@testable import PlayAWS

/// The hand-written XML reader behind `XMLTree`: AWS-shaped documents and the malformed inputs it must refuse.
final class XMLTreeTests: XCTestCase {
    private func parse(_ text: String) -> XMLTree? { XMLTree.parse(Data(text.utf8)) }

    func testEC2ResponseAsMotoSendsIt() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
          <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
          <reservationSet>
            <item>
              <reservationId>r-1234567890abcdef0</reservationId>
              <instancesSet>
                <item>
                  <instanceId>i-0123</instanceId>
                  <instanceState><code>16</code><name>running</name></instanceState>
                  <tagSet>
                    <item><key>Name</key><value>web &amp; api</value></item>
                    <item><key>Role</key><value/></item>
                  </tagSet>
                </item>
                <item>
                  <instanceId>i-0456</instanceId>
                  <instanceState><code>80</code><name>stopped</name></instanceState>
                  <ebsOptimized>false</ebsOptimized>
                </item>
              </instancesSet>
            </item>
          </reservationSet>
        </DescribeInstancesResponse>
        """
        let tree = try XCTUnwrap(parse(xml))
        XCTAssertEqual(tree.name, "DescribeInstancesResponse")
        XCTAssertEqual(tree.text, "")
        XCTAssertEqual(tree.string("requestId"), "59dbff89-35bd-4eac-99ed-be587EXAMPLE")
        let instances = tree.list("reservationSet", "item", "instancesSet", item: "item")
        XCTAssertEqual(instances.map { $0.string("instanceId") }, ["i-0123", "i-0456"])
        XCTAssertEqual(instances[0].int("instanceState", "code"), 16)
        XCTAssertEqual(instances[0].tags("tagSet", item: "item"), ["Name": "web & api", "Role": ""])
        XCTAssertEqual(instances[1].bool("ebsOptimized"), false)
        XCTAssertNil(instances[1].string("tagSet"))
    }

    func testQueryErrorResponseWithNamespacePrefixesAndAttributes() throws {
        let xml = """
        <?xml version="1.0"?>
        <!-- moto sends comments sometimes -->
        <q:ErrorResponse xmlns:q="https://iam.amazonaws.com/doc/2010-05-08/" q:flag='1'>
          <q:Error type="Sender">
            <q:Code>InvalidClientTokenId</q:Code>
            <q:Message>The security token included in the request is invalid. &lt;see docs&gt; &quot;x&quot; &apos;y&apos;</q:Message>
          </q:Error>
          <?processing instruction?>
          <q:RequestId>4442587FB7D0A2F9</q:RequestId>
        </q:ErrorResponse>
        """
        let tree = try XCTUnwrap(parse(xml))
        XCTAssertEqual(tree.name, "ErrorResponse")
        XCTAssertEqual(tree.string("Error", "Code"), "InvalidClientTokenId")
        XCTAssertEqual(tree.string("Error", "Message"),
                       "The security token included in the request is invalid. <see docs> \"x\" 'y'")
        XCTAssertEqual(tree.string("RequestId"), "4442587FB7D0A2F9")
    }

    func testCharacterReferencesCDATAAndUTF8() throws {
        let tree = try XCTUnwrap(parse("<r><a>&#65;&#x42;&#x1F600;-&#233;</a><b><![CDATA[if a < b && c > d]]> and <![CDATA[]]>more</b><c>größe ✓</c></r>"))
        XCTAssertEqual(tree.string("a"), "AB😀-é")
        XCTAssertEqual(tree.string("b"), "if a < b && c > d and more")
        XCTAssertEqual(tree.string("c"), "größe ✓")
    }

    func testNestedElementsOfTheSameName() throws {
        let tree = try XCTUnwrap(parse("<item><item><item>deep</item></item><item>second</item></item>"))
        XCTAssertEqual(tree.children.count, 2)
        XCTAssertEqual(tree["item", "item"]?.text, "deep")
        XCTAssertEqual(tree.children[1].text, "second")
        XCTAssertEqual(tree.first(named: "item")?.children.count, 2)
    }

    func testTextKeepsItsSpacesAndLineEndsAreNormalised() throws {
        let tree = try XCTUnwrap(parse("<r>\r\n  <v>  padded\r\nline  </v><w>a&#13;b</w>\r\n</r>"))
        XCTAssertEqual(tree.string("v"), "  padded\nline  ")
        XCTAssertEqual(tree.string("w"), "a\rb")
        XCTAssertEqual(tree.text, "")
    }

    func testByteOrderMarkAndDoctypeAreSkipped() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("<!DOCTYPE r [ <!ELEMENT r ANY> ]><r>ok</r>".utf8))
        XCTAssertEqual(XMLTree.parse(data)?.text, "ok")
    }

    func testMalformedInputGivesNil() {
        let bad = [
            "", "   ", "not xml", "<r>", "<r></s>", "<r><a></r></a>", "<r/><s/>", "text<r/>", "<r/>trailing",
            "<r>&unknown;</r>", "<r>a & b</r>", "<r>&#0;</r>", "<r>&#xD800;</r>", "<r>&#xZZ;</r>",
            "<r a=1/>", "<r a='1\"/>", "<r a='x'b='y'/>", "<r><![CDATA[open</r>", "<r><!-- open</r>",
            "<1r/>", "< r/>", "<r></r", "<?xml version='1.0'?>",
        ]
        for text in bad {
            XCTAssertNil(parse(text), "should refuse: \(text.debugDescription)")
        }
        XCTAssertNil(XMLTree.parse(Data([0x3C, 0x72, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x72, 0x3E])), "invalid UTF-8")
    }
}
