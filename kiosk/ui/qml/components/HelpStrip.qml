import QtQuick

// Under the top bar on every step of a session: where the citizen is ("Bước 3/7"), a call to
// staff that keeps the session, and a way out (asked again in CancelDialog before anything goes).
Rectangle {
    id: strip
    objectName: "helpStrip"
    property bool keyboardUp: false
    visible: guide.step_no > 0 && !keyboardUp  // typing: the keyboard needs the room
    height: visible ? bar.height + (note.visible ? note.height + units.mm(2) : 0) + units.mm(4) : 0
    color: theme.c.background

    Item {
        id: bar
        anchors.top: parent.top
        anchors.topMargin: units.mm(2)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: units.mm(8)
        anchors.rightMargin: units.mm(8)
        // "Bước 3/7" beside the buttons; above them when it would not fit on one line there.
        readonly property bool stacked: stepWidth.advanceWidth > width - row.width - units.mm(4)
        height: stacked ? stepText.implicitHeight + units.mm(2) + row.implicitHeight
                        : Math.max(stepText.implicitHeight, row.implicitHeight)
        TextMetrics { id: stepWidth; font: stepText.font; text: stepText.text }
        Text {
            id: stepText
            objectName: "stepIndicator"
            anchors.left: parent.left
            y: bar.stacked ? 0 : (bar.height - height) / 2
            width: bar.stacked ? parent.width : parent.width - row.width - units.mm(4)
            color: theme.c.text
            font.pixelSize: units.body_px
            font.bold: true
            wrapMode: Text.WordWrap
            text: guide.step_text
        }
        Row {
            id: row
            anchors.right: parent.right
            y: bar.stacked ? bar.height - height : (bar.height - height) / 2
            spacing: units.mm(4)
            KButton {
                objectName: "helpCallStaff"
                kind: "secondary"
                text: i18n.t.help_call
                onClicked: guide.call_staff()
            }
            KButton {
                objectName: "helpCancel"
                visible: guide.can_cancel
                kind: "secondary"
                text: i18n.t.help_cancel
                onClicked: guide.ask_cancel()
            }
        }
    }
    Rectangle {
        id: note
        objectName: "helpCalledNote"
        visible: guide.officer_called
        anchors.top: bar.bottom
        anchors.topMargin: units.mm(2)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: units.mm(8)
        anchors.rightMargin: units.mm(8)
        height: noteText.implicitHeight + units.mm(4)
        color: theme.c.ok
        radius: units.mm(2)
        Body {
            id: noteText
            anchors.centerIn: parent
            width: parent.width - units.mm(6)
            color: theme.c.ok_text
            text: i18n.t.help_called
        }
    }
}
