import QtQuick

// The visible, spoken countdown before the session is wiped.
Rectangle {
    objectName: "idleOverlay"
    anchors.fill: parent
    color: theme.c.background
    visible: idle.counting
    TapHandler { }
    Column {
        anchors.centerIn: parent
        width: parent.width * 0.7
        spacing: units.mm(8)
        Heading {
            horizontalAlignment: Text.AlignHCenter
            text: i18n.t.idle_title
        }
        Text {
            objectName: "idleSeconds"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: theme.c.text
            font.pixelSize: units.huge_px * 1.5
            font.bold: true
            text: idle.seconds_left
        }
        Body {
            horizontalAlignment: Text.AlignHCenter
            text: i18n.t.idle_body
        }
        KButton {
            objectName: "stillHereButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width * 0.8
            minHeight: units.mm(28)
            text: i18n.t.idle_still_here
            onClicked: idle.still_here()
        }
    }
}
