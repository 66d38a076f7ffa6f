import QtQuick
import "../components"

Item {
    objectName: "screen_procedure"
    Item {
        id: header
        width: parent.width
        height: Math.max(title.implicitHeight, back.implicitHeight)
        Heading {
            id: title
            anchors.verticalCenter: parent.verticalCenter
            width: parent.width - back.width - units.mm(6)
            text: i18n.t.procedure_title
        }
        KButton {
            id: back
            objectName: "backButton"
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            kind: "secondary"
            text: i18n.t.nav_back
            onClicked: flow.back()
        }
    }
    Flickable {
        id: flick
        anchors.top: header.bottom
        anchors.topMargin: units.mm(3)
        anchors.bottom: parent.bottom
        width: parent.width
        contentHeight: col.height + units.mm(14)  // room to scroll the last item past the hint
        clip: true
        Column {
            id: col
            width: parent.width
            spacing: units.mm(5)
            Repeater {
                model: flow.procedures
                Row {
                    required property var modelData
                    width: col.width
                    spacing: units.mm(4)
                    Body {
                        id: groupLabel
                        width: units.mm(55)
                        text: modelData.group
                        font.bold: true
                        color: theme.c.muted
                    }
                    Column {
                        width: col.width - groupLabel.width - units.mm(4)
                        spacing: units.mm(3)
                        Repeater {
                            model: modelData.items
                            KButton {
                                required property var modelData
                                objectName: "proc_" + modelData.code
                                width: parent.width
                                text: modelData.title
                                sub: modelData.summary
                                onClicked: flow.choose_procedure(modelData.code)
                            }
                        }
                    }
                }
            }
        }
    }
    Rectangle {
        id: more
        objectName: "scrollHint"
        visible: col.height > flick.height && !flick.atYEnd
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        width: hint.implicitWidth + units.mm(10)
        height: hint.implicitHeight + units.mm(4)
        radius: height / 2
        color: theme.c.surface
        border.color: theme.c.border
        border.width: units.mm(0.5)
        Body {
            id: hint
            anchors.centerIn: parent
            width: implicitWidth
            font.bold: true
            text: i18n.t.scroll_more
        }
    }
}
