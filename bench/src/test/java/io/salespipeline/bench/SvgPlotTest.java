package io.salespipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgPlotTest {

    private static final List<Sample> SAMPLES = List.of(
            new Sample(0, 0, 1_000_000),
            new Sample(1, 40_000, 960_000),
            new Sample(2, 50_000, 910_000),
            new Sample(25, 20_000, 0));

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** x,y pairs of the polyline with this stroke colour. */
    private static double[][] points(Document svg, String colour) {
        NodeList lines = svg.getElementsByTagName("polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element line = (Element) lines.item(i);
            if (line.getAttribute("stroke").equals(colour)) {
                return Arrays.stream(line.getAttribute("points").split(" "))
                        .map(p -> Arrays.stream(p.split(","))
                                .mapToDouble(Double::parseDouble)
                                .toArray())
                        .toArray(double[][]::new);
            }
        }
        throw new AssertionError("no polyline in " + colour);
    }

    @Test
    void isWellFormedSvgWithOnePointPerSampleAndLine() throws Exception {
        Document svg = parse(SvgPlot.render("Replay of 1,000,000 events", SAMPLES));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(points(svg, "#1f77b4").length).isEqualTo(SAMPLES.size());
        assertThat(points(svg, "#ff7f0e").length).isEqualTo(SAMPLES.size());
    }

    @Test
    void scalesEachLineToItsOwnAxis() throws Exception {
        Document svg = parse(SvgPlot.render("t", SAMPLES));
        double[][] rate = points(svg, "#1f77b4");
        double[][] lag = points(svg, "#ff7f0e");
        // the plot area spans y 50 (top) to 370 (bottom) and x 80 to 820; each axis ends at a round number at or above
        // its highest value
        assertThat(rate[0][1]).isEqualTo(370.0);
        assertThat(rate[2][1]).isEqualTo(50.0); // 50,000 is the top of a 0..50K axis
        assertThat(lag[0][1]).isEqualTo(50.0); // 1,000,000 is the top of a 0..1M axis
        assertThat(lag[3][1]).isEqualTo(370.0);
        assertThat(rate[0][0]).isEqualTo(80.0);
        assertThat(rate[1][0]).isEqualTo(80 + 740 / 25.0); // 1 s on a 0..25 s axis
        assertThat(rate[3][0]).isEqualTo(820.0);
        assertThat(svg.getDocumentElement().getTextContent())
                .contains("50K", "1M", "seconds since the job was RUNNING");
    }

    @Test
    void escapesTheTitleAndSurvivesNoSamples() throws Exception {
        Document svg = parse(SvgPlot.render("a < b & \"c\"", List.of()));
        assertThat(svg.getDocumentElement().getTextContent()).contains("a < b & \"c\"");
    }

    @Test
    void ticksAreRoundNumbers() {
        assertThat(SvgPlot.niceCeiling(0)).isEqualTo(1);
        assertThat(SvgPlot.niceCeiling(1)).isEqualTo(1);
        assertThat(SvgPlot.niceCeiling(37_000)).isEqualTo(40_000);
        assertThat(SvgPlot.niceCeiling(132)).isEqualTo(150);
        assertThat(SvgPlot.niceCeiling(510)).isEqualTo(750);
        assertThat(SvgPlot.niceCeiling(10_000_000)).isEqualTo(10_000_000);
        assertThat(SvgPlot.human(1_500)).isEqualTo("1.5K");
        assertThat(SvgPlot.human(2_000_000)).isEqualTo("2M");
        assertThat(SvgPlot.human(12.5)).isEqualTo("12.5");
    }
}
