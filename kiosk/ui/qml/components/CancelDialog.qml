import QtQuick

// "Hủy, làm lại" asks once more; yes ends the session and wipes it now, no goes back to the step.
Rectangle {
    objectName: "cancelDialog"
    anchors.fill: parent
    color: Qt.rgba(0, 0, 0, 0.55)
    visible: guide.asking_cancel
    TapHandler { }
    Rectangle {
        anchors.centerIn: parent
        width: parent.width * 0.8
        height: col.implicitHeight + units.mm(16)
        color: theme.c.background
        border.color: theme.c.border
        border.width: units.mm(0.8)
        radius: units.mm(3)
        Column {
            id: col
            anchors.centerIn: parent
            width: parent.width - units.mm(16)
            spacing: units.mm(8)
            Heading {
                objectName: "cancelQuestion"
                text: i18n.t.cancel_question
            }
            KButton {
                objectName: "cancelYes"
                width: parent.width
                kind: "danger"
                minHeight: units.mm(24)
                text: i18n.t.cancel_yes
                onClicked: flow.home()
            }
            KButton {
                objectName: "cancelNo"
                width: parent.width
                minHeight: units.mm(24)
                text: i18n.t.cancel_no
                onClicked: guide.keep_going()
            }
        }
    }
}
